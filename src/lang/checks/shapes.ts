/**
 * Shapes and layer requirements over the configurations the constraints allow (slow): images that
 * shrink below 1×1 (E063), attention widths not divisible by the heads (E064). Runs on an error-free
 * file only, since it reads the compiled model.
 */
import { evaluate, ExprError, freeNames } from "../../plan/expr.js";
import { unroll } from "../../plan/resolve.js";
import type { Expr, LayerSpec, TrainerTrial, Value } from "../../plan/types.js";
import type { AstFile } from "../ast.js";
import { type CheckedAst, decl } from "../checked.js";
import { compileTrial } from "../compile.js";
import { describeAssignment } from "../exprcheck.js";
import type { Reporter } from "../report.js";

const IMAGE: Record<string, [number, number]> = {
  mnist: [28, 28],
  fashion_mnist: [28, 28],
  cifar10: [32, 32],
};

const SHAPED = new Set([
  "conv2d",
  "maxpool2d",
  "avgpool2d",
  "attention",
  "transformer_encoder",
  "transformer_decoder",
]);

/** E063/E064 over the seeded sample of allowed configurations; the first configuration that breaks is reported. */
export function shapes(_file: AstFile, c: CheckedAst, report: Reporter): void {
  if (report.errorCount > 0) return;
  const trial = compileTrial(c);
  if (trial?.kind !== "trainer" || !needsShapes(trial)) return;
  const model = trial.model;
  const modelDecl = decl(c, "model")!;
  const image = IMAGE[trial.data.reader];
  for (const config of c.values.sample()) {
    try {
      if (model.kind === "template") {
        const args: Record<string, Value> = {};
        for (const [k, e] of Object.entries(model.args)) args[k] = evaluate(e, config);
        if (
          model.name === "transformer" &&
          typeof args.heads === "number" &&
          typeof args.d_model === "number" &&
          args.d_model % args.heads !== 0
        ) {
          report.add(
            "E064",
            modelDecl.template!.calleeSpan,
            {
              f: "transformer",
              req: "d_model divisible by heads",
              assignment: describeAssignment(
                config,
                new Set([...readsOf(model.args.heads), ...readsOf(model.args.d_model)]),
              ),
            },
            { hint: constraintHint(model.args.d_model, model.args.heads) },
          );
          return;
        }
        if (model.name === "cnn" && image && typeof args.blocks === "number") {
          const pool = typeof args.pool === "number" ? args.pool : 2;
          const size = image[0] / pool ** args.blocks;
          if (pool > 1 && size < 1) {
            report.add("E063", modelDecl.template!.calleeSpan, {
              problem: `${args.blocks} conv blocks with pooling ${pool} shrink a ${image[0]}×${image[1]} image below 1×1`,
              assignment: describeAssignment(config, readsOf(model.args.blocks)),
            });
            return;
          }
        }
        continue;
      }
      let hw: [number, number] | undefined = image;
      for (const l of unroll(model.layers, config)) {
        if (l.name === "input" && Array.isArray(l.args.shape) && l.args.shape.length === 3)
          hw = [Number(l.args.shape[0]), Number(l.args.shape[1])];
        if (
          (l.name === "transformer_encoder" || l.name === "transformer_decoder" || l.name === "attention") &&
          typeof l.args.d_model === "number" &&
          typeof l.args.heads === "number" &&
          l.args.d_model % l.args.heads !== 0
        ) {
          report.add("E064", modelDecl.keywordSpan, {
            f: l.name,
            req: "d_model divisible by heads",
            assignment: describeAssignment(config),
          });
          return;
        }
        if (!hw) continue;
        if (l.name === "flatten" || l.name === "globalavgpool" || l.name === "dense") {
          hw = undefined;
          continue;
        }
        const valid = l.args.padding !== "same";
        const stride = typeof l.args.stride === "number" ? l.args.stride : 1;
        if (l.name === "conv2d" && typeof l.args.kernel === "number") {
          const k = l.args.kernel;
          hw = hw.map((s) => Math.floor(((valid ? s - k + 1 : s) + stride - 1) / stride)) as [number, number];
        } else if (l.name === "maxpool2d" || l.name === "avgpool2d") {
          const p = typeof l.args.pool === "number" ? l.args.pool : 2;
          const st = typeof l.args.stride === "number" ? l.args.stride : p;
          hw = hw.map((s) => (valid ? Math.floor((s - p) / st) + 1 : Math.ceil(s / st))) as [number, number];
        } else continue;
        if (hw[0] < 1 || hw[1] < 1) {
          report.add("E063", modelDecl.keywordSpan, {
            problem: `the image shrinks to ${Math.max(hw[0], 0)}×${Math.max(hw[1], 0)} at \`${l.name}\``,
            assignment: describeAssignment(config),
          });
          return;
        }
      }
    } catch (err) {
      if (!(err instanceof ExprError)) throw err;
    }
  }
}

/** Shape checks only matter for image layers, attention and the cnn/transformer templates. */
function needsShapes(trial: TrainerTrial): boolean {
  const m = trial.model;
  if (m.kind === "template") return m.name === "cnn" || m.name === "transformer";
  const visit = (ls: LayerSpec[]): boolean =>
    ls.some((l) => (l.kind === "layer" ? SHAPED.has(l.name) : visit(l.body)));
  return visit(m.layers);
}

function readsOf(e: Expr | undefined): Set<string> {
  return e ? freeNames(e) : new Set();
}

function constraintHint(dModel: Expr | undefined, heads: Expr | undefined): string | undefined {
  if (dModel?.op === "param" && heads?.op === "param")
    return `add \`constraint ${dModel.name} % ${heads.name} == 0\` to space`;
  return undefined;
}
