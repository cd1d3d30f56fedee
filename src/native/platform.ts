/**
 * The prebuilt native packages, sharp's way: hpo depends optionally on one package per platform
 * holding hpo_cpu.node (`@hpo/native-<platform>`) and, where CUDA builds exist, one holding
 * hpo_cuda.node (`@hpo/cuda-<platform>`). Each package's `os`, `cpu` and `libc` make npm install only
 * the one that fits; none has an install script. src/native/load.ts loads from them,
 * scripts/pack-native.mjs makes them and writes their package.json from this table, and
 * scripts/install.mjs decides whether a source build is needed.
 */

export interface PlatformPackage {
  /** The platform key: `<os>-<cpu>` plus `-gnu`/`-musl` on Linux, e.g. linux-x64-gnu. */
  key: string;
  os: NodeJS.Platform;
  cpu: string;
  /** npm's `libc` field (Linux only). */
  libc?: "glibc" | "musl";
  /** A CUDA package exists for this platform. */
  cuda: boolean;
}

/** The platforms packages are laid out for (each built on its own machine by `npm run pack:native`). */
export const PLATFORMS: readonly PlatformPackage[] = [
  { key: "linux-x64-gnu", os: "linux", cpu: "x64", libc: "glibc", cuda: true },
  { key: "linux-arm64-gnu", os: "linux", cpu: "arm64", libc: "glibc", cuda: true },
  { key: "darwin-arm64", os: "darwin", cpu: "arm64", cuda: false },
  { key: "win32-x64", os: "win32", cpu: "x64", cuda: true },
];

export type ModuleName = "hpo_cpu" | "hpo_cuda";

/** The scope of the platform packages. */
export const PACKAGE_SCOPE = "@hpo";

/** The package that holds `module` for platform `key`. */
export function nativePackageName(module: ModuleName, key: string): string {
  return `${PACKAGE_SCOPE}/${module === "hpo_cpu" ? "native" : "cuda"}-${key}`;
}

/** The C library of this Linux process (glibc unless Node says otherwise); undefined elsewhere. */
function linuxLibc(): "gnu" | "musl" {
  const header = (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)
    ?.header;
  return header?.glibcVersionRuntime ? "gnu" : "musl";
}

/** This process's platform key (linux-x64-gnu, darwin-arm64, …). */
export function platformKey(): string {
  const base = `${process.platform}-${process.arch}`;
  return process.platform === "linux" ? `${base}-${linuxLibc()}` : base;
}

/** This platform's entry, or undefined where no prebuilt package is laid out. */
export function currentPlatform(): PlatformPackage | undefined {
  const key = platformKey();
  return PLATFORMS.find((p) => p.key === key);
}
