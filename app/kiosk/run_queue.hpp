// Open Space Board — RunQueue: hands work from other threads to the UI thread.
// The sync worker and the staff client never touch ImGui or the view; they push a closure here.
// The UI thread swaps the queue out under the lock and runs the closures unlocked, so a closure
// may push again without deadlock. `wake` (an SDL user event in the kiosk) is called after each
// push so a loop blocked in SDL_WaitEventTimeout gets up at once.
#pragma once
#include <functional>
#include <mutex>
#include <utility>
#include <vector>

namespace osb::kiosk {

class RunQueue {
 public:
  using Task = std::function<void()>;

  explicit RunQueue(std::function<void()> wake = {}) : wake_(std::move(wake)) {}

  // Any thread.
  void push(Task task) {
    {
      std::lock_guard lock(mutex_);
      tasks_.push_back(std::move(task));
    }
    if (wake_) wake_();
  }

  // UI thread. Returns how many closures ran.
  std::size_t run() {
    std::vector<Task> batch;
    {
      std::lock_guard lock(mutex_);
      batch.swap(tasks_);
    }
    for (auto& task : batch) task();
    return batch.size();
  }

  bool empty() const {
    std::lock_guard lock(mutex_);
    return tasks_.empty();
  }

 private:
  std::function<void()> wake_;
  mutable std::mutex mutex_;
  std::vector<Task> tasks_;
};

}  // namespace osb::kiosk
