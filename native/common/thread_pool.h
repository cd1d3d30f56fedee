// A persistent host thread pool and parallel_for over it, for the GP engine's CPU path and the
// population engine's CPU path. Starting std::threads per call cost
// tens of microseconds each, and one log-likelihood at n >= 512 runs a dozen parallel loops; the
// workers here are started once and sleep on a condition variable between jobs.
//
// One job at a time: a caller takes the pool's job lock, publishes the job, works on it itself and
// waits for the workers' share; a second caller meanwhile runs its loop inline. A parallel_for issued from inside a job (a restart's likelihood while
// restarts run in parallel) runs inline on that thread, so nesting never deadlocks or oversubscribes.
#pragma once
#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#if defined(__linux__)
#include <pthread.h>
#endif

namespace hpo {

class ThreadPool {
 public:
  explicit ThreadPool(int workers) {
    for (int w = 0; w < workers; ++w) threads_.emplace_back([this, w] { loop(w + 1); });
  }
  ~ThreadPool() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
    }
    wake_.notify_all();
    for (auto& t : threads_) t.join();
  }
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int workers() const { return static_cast<int>(threads_.size()); }

  // True on a pool worker and on a thread currently running a job (nested calls go inline).
  static bool& in_job() {
    thread_local bool flag = false;
    return flag;
  }

  // Runs task(slot) for slot in [0, slots) with slot 0 on the caller and 1..slots-1 on workers
  // (slots <= workers() + 1) and returns true once every slot finished; returns false at once,
  // running nothing, while another thread's job holds the pool (that caller then runs inline rather
  // than waiting for a whole fit to finish).
  bool try_run(int slots, const std::function<void(int)>& task) {
    std::unique_lock<std::mutex> job(job_mutex_, std::try_to_lock);
    if (!job.owns_lock()) return false;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      task_ = &task;
      slots_ = slots;
      pending_ = slots - 1;
      ++generation_;
    }
    wake_.notify_all();
    in_job() = true;
    task(0);
    in_job() = false;
    std::unique_lock<std::mutex> lock(mutex_);
    done_.wait(lock, [this] { return pending_ == 0; });
    task_ = nullptr;
    return true;
  }

 private:
  void loop(int slot) {
#if defined(__linux__)
    pthread_setname_np(pthread_self(), "hpo-kernels");  // told apart in profiles and bench/thread-cpu.ts
#endif
    in_job() = true;
    uint64_t seen = 0;
    for (;;) {
      const std::function<void(int)>* task;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        wake_.wait(lock, [&] { return stop_ || generation_ != seen; });
        if (stop_) return;
        seen = generation_;
        if (slot >= slots_) continue;
        task = task_;
      }
      (*task)(slot);
      {
        std::lock_guard<std::mutex> lock(mutex_);
        --pending_;
      }
      done_.notify_one();
    }
  }

  std::vector<std::thread> threads_;
  std::mutex job_mutex_;
  std::mutex mutex_;
  std::condition_variable wake_, done_;
  const std::function<void(int)>* task_ = nullptr;
  int slots_ = 0;
  int pending_ = 0;
  uint64_t generation_ = 0;
  bool stop_ = false;
};

// The process-wide pool: hardware threads - 1 workers (the caller is the last one), started on first
// use. Deliberately leaked: joining workers from a static destructor at process exit can hang when
// the runtime has already torn threads down.
inline ThreadPool& host_pool(int hardware) {
  static ThreadPool* pool = new ThreadPool(hardware > 1 ? hardware - 1 : 0);
  return *pool;
}

inline int hardware_threads() {
  unsigned hw = std::thread::hardware_concurrency();
  return hw == 0 ? 1 : static_cast<int>(hw);
}

// The calling thread's share of the cores (threads 0 = no limit). Several JavaScript threads of one
// process (a study's trial workers) each calling kernels would otherwise all size their loops by the
// whole machine and meet at the one process-wide pool, where all but one run inline: k workers on n
// cores get n / k threads each (src/native/threads.ts), on a pool of their own, so no worker waits
// for another's job and no more threads are busy than there are cores.
struct ThreadBudget {
  int threads = 0;
  std::unique_ptr<ThreadPool> pool;  // threads - 1 workers; destroyed (joined) when the thread exits
};

inline ThreadBudget& thread_budget() {
  thread_local ThreadBudget budget;
  return budget;
}

// Limits this thread's parallel_for calls to `threads` threads (0 lifts the limit). Not to be called
// from inside a parallel_for body.
inline void set_thread_budget(int threads) {
  ThreadBudget& budget = thread_budget();
  if (threads == budget.threads) return;
  budget.pool.reset(threads > 1 ? new ThreadPool(threads - 1) : nullptr);
  budget.threads = threads;
}

// Runs body(i) for i in [0, count) on up to `threads` host threads (1 = inline; at most the calling
// thread's budget), the caller's and a persistent pool's (the budget's own, else the process-wide
// one); index i goes to thread i mod threads. Exceptions from the body are rethrown on the caller's
// thread (the first one, by index). Called from inside another parallel_for, or while another
// thread's loop holds the pool, it runs inline.
template <typename Body>
void parallel_for(int count, int threads, Body&& body) {
  ThreadBudget& budget = thread_budget();
  if (budget.threads > 0) threads = std::min(threads, budget.threads);
  threads = std::max(1, std::min(threads, count));
  if (threads > 1 && !ThreadPool::in_job()) {
    ThreadPool& pool = budget.pool ? *budget.pool : host_pool(hardware_threads());
    threads = std::min(threads, pool.workers() + 1);
    if (threads > 1) {
      std::vector<std::exception_ptr> errors(threads);
      std::function<void(int)> task = [&](int t) {
        try {
          for (int i = t; i < count; i += threads) body(i);
        } catch (...) {
          errors[t] = std::current_exception();
        }
      };
      if (pool.try_run(threads, task)) {
        for (auto& e : errors)
          if (e) std::rethrow_exception(e);
        return;
      }
    }
  }
  for (int i = 0; i < count; ++i) body(i);
}

}  // namespace hpo
