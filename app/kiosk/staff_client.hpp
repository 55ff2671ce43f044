// Open Space Board — StaffClient: the staff panel's calls to the node, off the UI thread.
// Each request runs on the client's own worker thread over HttpClient; its result comes back
// as a closure through the RunQueue, so StaffState is only ever read and written on the UI
// thread. The staff token lives here, in memory only: a restart locks staff mode again. Logout
// revokes it on the node too, and the PIN and the token are overwritten (OPENSSL_cleanse) once
// they are no longer needed.
#pragma once
#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/model.hpp"
#include "kiosk/run_queue.hpp"
#include "sync/http_client.hpp"
#include "ui/ui.hpp"

namespace osb::kiosk {

// UI thread only.
struct StaffState {
  std::string token;    // empty: locked
  bool busy = false;    // a request is in flight
  std::string message;  // last result or error, one sentence
  std::vector<ui::KioskInfo> fleet;
  ui::ScheduleView schedule;  // `at` as the node sends it (UTC); the kiosk shows venue time
};

class StaffClient {
 public:
  // `on_board_write` runs on the UI thread after a change the node accepted (block, reset, ...).
  StaffClient(std::string node_url, HttpOptions options, RunQueue& ui_queue, std::function<void()> on_board_write);
  ~StaffClient();  // stop()
  StaffClient(const StaffClient&) = delete;
  StaffClient& operator=(const StaffClient&) = delete;

  // All UI thread. `what` names the cell or day for the result sentence ("Room C, Sat 14:00").
  void login(const std::string& pin);
  // The PIN pad closed before the answer came: that answer must not unlock; a token it carries
  // is revoked on the node at once.
  void cancel_login();
  // Forgets the token and revokes it on the node (DELETE /api/v1/staff/session) off the UI thread.
  void logout();
  void reset_day(const std::string& day, const std::string& what);
  void block(const CellKey& key, const std::string& label, const std::string& what);
  void unblock(const CellKey& key, const std::string& what);
  void remove_claim(const std::string& claim_id, const std::string& what);
  void announce(const std::string& text, const std::string& until);
  // Contract §4.3: lightning sheets, evening groups, moving a session.
  void remove_signup(const std::string& signup_id, const std::string& what);
  void reorder_sheet(const std::string& day, const std::string& start, const std::vector<std::string>& order);
  void remove_group(const std::string& group_id, const std::string& what);
  void move_claim(const std::string& claim_id, const CellKey& to, const std::string& what, const std::string& room);
  void refresh_fleet();
  // GET /api/v1/schedule into state().schedule.
  void refresh_schedule();
  // Fetches the last import's URL (http:// or https://, 30 s) and imports it again
  // (PUT /api/v1/schedule?source=URL); the result in one sentence.
  void reimport_schedule();

  // UI thread: the node the sync worker uses now (a kiosk with several nodes); the next
  // request goes there. The staff token stays: a node that does not know it answers 401 and
  // the panel asks for the PIN again.
  void set_node_url(const std::string& url);

  const StaffState& state() const { return state_; }
  // Cancels the request in flight and joins the worker; later results are dropped.
  void stop();

 private:
  using Job = std::function<void(HttpClient&)>;
  void submit(Job job);
  void submit(bool quiet, Job job);  // quiet: the panel does not show it as busy
  void worker();
  // Posts to the UI thread: applies a finished request to state_.
  void finish(std::function<void(StaffState&)> apply, bool board_written);
  // The sentence for an answer that was not a success; clears the token on 401.
  std::function<void(StaffState&)> failure(const HttpResponse& r);
  // Queues DELETE /api/v1/staff/session for `token` (taken and wiped).
  void revoke(std::string& token);

  std::unique_ptr<HttpClient> http_;
  std::string ca_file_;                        // for the programme's own server (re-import)
  std::atomic<HttpClient*> fetching_{nullptr};  // that fetch while it runs: stop() cancels it
  RunQueue& ui_queue_;
  std::function<void()> on_board_write_;
  StaffState state_;
  unsigned login_generation_ = 0;  // UI thread: a login answer counts only if this has not moved
  std::shared_ptr<bool> alive_;  // UI thread: closures queued after stop() see false

  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<Job> jobs_;
  std::string node_url_;  // where the next job goes (under mutex_)
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace osb::kiosk
