// Open Space Board — StaffClient.
// [SECTION] Worker thread
// [SECTION] Requests
// [SECTION] Answers
#include "kiosk/staff_client.hpp"

#include <nlohmann/json.hpp>

#include <cctype>
#include <openssl/crypto.h>

#include "codec/codec.hpp"
#include "ui/text.hpp"

namespace osb::kiosk {

namespace {

std::string cell_path(const CellKey& k) { return "/api/v1/cells/" + k.day + "/" + k.room + "/" + k.start + "/block"; }

bool ok(const HttpResponse& r) { return r.transport_ok() && r.status >= 200 && r.status < 300; }

// Parses a 2xx body; a body that is not JSON gives null (the callers then say so).
nlohmann::json body_of(const HttpResponse& r) {
  return nlohmann::json::parse(r.body, nullptr, /*allow_exceptions=*/false);
}

void wipe(std::string& secret) {
  if (!secret.empty()) OPENSSL_cleanse(secret.data(), secret.size());
  secret.clear();
}

// Sends the staff token with the next request only, and overwrites it afterwards (the client
// keeps its headers between requests).
struct Bearer {
  Bearer(HttpClient& http, const std::string& token) : http_(http) { http_.set_header("Authorization", "Bearer " + token); }
  ~Bearer() { http_.clear_header("Authorization"); }
  Bearer(const Bearer&) = delete;
  Bearer& operator=(const Bearer&) = delete;
  HttpClient& http_;
};

}  // namespace

// [SECTION] Worker thread

StaffClient::StaffClient(std::string node_url, HttpOptions options, RunQueue& ui_queue,
                         std::function<void()> on_board_write)
    : ca_file_(options.ca_file),
      ui_queue_(ui_queue),
      on_board_write_(std::move(on_board_write)),
      alive_(std::make_shared<bool>(true)) {
  node_url_ = node_url;
  http_ = std::make_unique<HttpClient>(std::move(node_url), std::move(options));
  thread_ = std::thread([this] { worker(); });
}

void StaffClient::set_node_url(const std::string& url) {
  if (url.empty()) return;
  std::lock_guard lock(mutex_);
  node_url_ = url;
}

StaffClient::~StaffClient() { stop(); }

void StaffClient::stop() {
  *alive_ = false;
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
    jobs_.clear();
  }
  http_->cancel();
  if (HttpClient* f = fetching_.load()) f->cancel();
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void StaffClient::submit(Job job) { submit(false, std::move(job)); }

void StaffClient::submit(bool quiet, Job job) {
  if (!quiet) state_.busy = true;
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    jobs_.push_back(std::move(job));
  }
  cv_.notify_one();
}

void StaffClient::worker() {
  for (;;) {
    Job job;
    std::string url;
    {
      std::unique_lock lock(mutex_);
      cv_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
      if (stopping_) return;
      job = std::move(jobs_.front());
      jobs_.pop_front();
      url = node_url_;
    }
    if (http_->base_url() != url) http_->set_base_url(url);  // only this thread makes requests
    job(*http_);
  }
}

void StaffClient::finish(std::function<void(StaffState&)> apply, bool board_written) {
  // `alive` is only read on the UI thread, where stop() also writes it.
  ui_queue_.push([this, alive = alive_, apply = std::move(apply), board_written] {
    if (!*alive) return;
    apply(state_);
    bool more = false;
    {
      std::lock_guard lock(mutex_);
      more = !jobs_.empty();
    }
    state_.busy = more;
    if (board_written && on_board_write_) on_board_write_();
  });
}

std::function<void(StaffState&)> StaffClient::failure(const HttpResponse& r) {
  if (r.cancelled) return [](StaffState&) {};
  if (!r.transport_ok())
    return [](StaffState& s) { s.message = ui::tr("staff_result.unreachable"); };
  if (r.status == 401)
    return [](StaffState& s) {
      s.token.clear();
      s.message = ui::tr("staff_result.session_ended");
    };
  if (r.status == 403) return [](StaffState& s) { s.message = ui::tr("staff_result.needs_pin"); };
  if (r.status == 429)
    return [](StaffState& s) { s.message = ui::tr("staff_result.too_many"); };
  const Error e = json::decode_error(r.body);
  // The node's sentence is English; a catalogue that knows the code says it in the kiosk's language.
  const std::string key = "staff_result.refused_" + e.code;
  return [e, key](StaffState& s) {
    s.message = ui::has_text(key) ? ui::tr(key)
                : e.message.empty() || ui::current_catalogue().language != "en" ? ui::tr("staff_result.refused", {{"code", e.code}})
                                                                                  : e.message;
  };
}

// [SECTION] Requests

void StaffClient::login(const std::string& pin) {
  const unsigned generation = ++login_generation_;
  submit([this, pin = std::string(pin), generation](HttpClient& http) mutable {
    std::string body = json::dump({{"pin", pin}});
    wipe(pin);
    const HttpResponse r = http.post("/api/v1/staff/session", body);
    wipe(body);
    if (ok(r)) {
      const auto j = body_of(r);
      std::string token = j.is_object() && j.contains("token") && j["token"].is_string() ? j["token"].get<std::string>() : "";
      if (token.empty()) return finish([](StaffState& s) { s.message = ui::tr("staff_result.no_token"); }, false);
      return finish([this, token, generation](StaffState& s) mutable {
        if (generation != login_generation_) {
          // The PIN pad stopped waiting (Cancel, the idle timer, Lock): this must not unlock.
          revoke(token);
          return;
        }
        wipe(s.token);
        s.token = token;
        wipe(token);
        s.message = ui::tr("staff_result.unlocked");
      }, false);
    }
    // Refusals are shown even after Cancel: they unlock nothing.
    if (r.transport_ok() && r.status == 401)
      return finish([](StaffState& s) { s.message = ui::tr("staff_result.wrong_pin"); }, false);
    if (r.transport_ok() && r.status == 429)
      return finish([](StaffState& s) { s.message = ui::tr("staff_result.locked_out"); }, false);
    finish(failure(r), false);
  });
}

void StaffClient::cancel_login() { ++login_generation_; }

void StaffClient::logout() {
  ++login_generation_;  // a login still in flight must not unlock after Lock either
  revoke(state_.token);
  state_.fleet.clear();
  state_.message.clear();
}

void StaffClient::revoke(std::string& token) {
  if (token.empty()) return;
  // 2xx: revoked; 401: already gone; 404/405: a node without the route (its sessions expire on
  // their own). Nothing is shown either way: the person has walked away from staff mode.
  submit(/*quiet=*/true, [this, token = std::move(token)](HttpClient& http) mutable {
    {
      Bearer bearer(http, token);
      wipe(token);
      (void)http.del("/api/v1/staff/session");
    }
    finish([](StaffState&) {}, false);
  });
  token.clear();
}

void StaffClient::reset_day(const std::string& day, const std::string& what) {
  submit([this, token = state_.token, day, what](HttpClient& http) mutable {
    const Bearer bearer(http, token);
    wipe(token);
    const HttpResponse r = http.post("/api/v1/days/" + day + "/reset", "{}");
    if (!ok(r)) return finish(failure(r), false);
    const auto j = body_of(r);
    const long long n = j.is_object() && j.contains("archived") && j["archived"].is_number_integer() ? j["archived"].get<long long>() : 0;
    finish([what, n](StaffState& s) { s.message = ui::trn("staff_result.reset", static_cast<long>(n), {{"what", what}}); }, true);
  });
}

void StaffClient::block(const CellKey& key, const std::string& label, const std::string& what) {
  submit([this, token = state_.token, key, label, what](HttpClient& http) mutable {
    const Bearer bearer(http, token);
    wipe(token);
    const HttpResponse r = http.put(cell_path(key), json::dump({{"label", label}}));
    if (!ok(r)) return finish(failure(r), false);
    finish([what, label](StaffState& s) { s.message = ui::tr("staff_result.blocked", {{"what", what}, {"label", label}}); }, true);
  });
}

void StaffClient::unblock(const CellKey& key, const std::string& what) {
  submit([this, token = state_.token, key, what](HttpClient& http) mutable {
    const Bearer bearer(http, token);
    wipe(token);
    const HttpResponse r = http.del(cell_path(key));
    if (!ok(r)) return finish(failure(r), false);
    finish([what](StaffState& s) { s.message = ui::tr("staff_result.unblocked", {{"what", what}}); }, true);
  });
}

void StaffClient::remove_claim(const std::string& claim_id, const std::string& what) {
  submit([this, token = state_.token, claim_id, what](HttpClient& http) mutable {
    const Bearer bearer(http, token);
    wipe(token);
    const HttpResponse r = http.del("/api/v1/claims/" + claim_id);
    if (!ok(r)) return finish(failure(r), false);
    finish([what](StaffState& s) { s.message = ui::tr("staff_result.removed", {{"what", what}}); }, true);
  });
}

void StaffClient::remove_signup(const std::string& signup_id, const std::string& what) {
  submit([this, token = state_.token, signup_id, what](HttpClient& http) mutable {
    const Bearer bearer(http, token);
    wipe(token);
    const HttpResponse r = http.del("/api/v1/lightning/" + signup_id);
    if (!ok(r)) return finish(failure(r), false);
    finish([what](StaffState& s) { s.message = ui::tr("staff_result.signup_removed", {{"what", what}}); }, true);
  });
}

void StaffClient::reorder_sheet(const std::string& day, const std::string& start, const std::vector<std::string>& order) {
  submit([this, token = state_.token, day, start, order](HttpClient& http) mutable {
    const Bearer bearer(http, token);
    wipe(token);
    const HttpResponse r = http.put("/api/v1/lightning/" + day + "/" + start + "/order", json::dump({{"order", order}}));
    if (!ok(r)) return finish(failure(r), false);
    finish([](StaffState& s) { s.message = ui::tr("staff_result.reordered"); }, true);
  });
}

void StaffClient::remove_group(const std::string& group_id, const std::string& what) {
  submit([this, token = state_.token, group_id, what](HttpClient& http) mutable {
    const Bearer bearer(http, token);
    wipe(token);
    const HttpResponse r = http.del("/api/v1/groups/" + group_id);
    if (!ok(r)) return finish(failure(r), false);
    finish([what](StaffState& s) { s.message = ui::tr("staff_result.group_removed", {{"what", what}}); }, true);
  });
}

void StaffClient::move_claim(const std::string& claim_id, const CellKey& to, const std::string& what, const std::string& room) {
  submit([this, token = state_.token, claim_id, to, what, room](HttpClient& http) mutable {
    const Bearer bearer(http, token);
    wipe(token);
    const HttpResponse r =
        http.post("/api/v1/claims/" + claim_id + "/move", json::dump({{"day", to.day}, {"room", to.room}, {"start", to.start}}));
    if (!ok(r)) return finish(failure(r), false);
    finish([what, room](StaffState& s) { s.message = ui::tr("staff_result.moved", {{"what", what}, {"room", room}}); }, true);
  });
}

void StaffClient::announce(const std::string& text, const std::string& until) {
  submit([this, token = state_.token, text, until](HttpClient& http) mutable {
    const Bearer bearer(http, token);
    wipe(token);
    nlohmann::json body = {{"text", text}};
    if (!until.empty()) body["until"] = until;
    const HttpResponse r = http.put("/api/v1/announcement", json::dump(body));
    if (!ok(r)) return finish(failure(r), false);
    const bool cleared = text.empty();
    finish([cleared](StaffState& s) {
      s.message = cleared ? ui::tr("staff_result.announcement_cleared") : ui::tr("staff_result.announcement_shown");
    }, true);
  });
}

// [SECTION] Answers

namespace {

ui::ScheduleView schedule_of(const nlohmann::json& j) {
  ui::ScheduleView sc;
  if (!j.is_object()) return sc;
  sc.known = true;
  auto num = [](const nlohmann::json& o, const char* k) {
    return o.contains(k) && o[k].is_number_integer() ? o[k].get<int>() : 0;
  };
  sc.scheduled = num(j, "scheduled");
  sc.cancelled_total = num(j, "cancelled");
  if (j.contains("last_import") && j["last_import"].is_object()) {
    const auto& li = j["last_import"];
    sc.imported = true;
    sc.at = li.contains("at") && li["at"].is_string() ? li["at"].get<std::string>() : "";
    sc.source = li.contains("source") && li["source"].is_string() ? li["source"].get<std::string>() : "";
    sc.talks = num(li, "talks");
    sc.added = num(li, "added");
    sc.updated = num(li, "updated");
    sc.cancelled = num(li, "cancelled");
  }
  return sc;
}

std::string query_escape(const std::string& s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') out += static_cast<char>(c);
    else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

}  // namespace

void StaffClient::refresh_schedule() {
  submit([this, token = state_.token](HttpClient& http) mutable {
    const Bearer bearer(http, token);
    wipe(token);
    const HttpResponse r = http.get("/api/v1/schedule");
    if (!ok(r)) return finish(failure(r), false);
    const ui::ScheduleView sc = schedule_of(body_of(r));
    if (!sc.known) return finish([](StaffState& s) { s.message = ui::tr("schedule.unreadable"); }, false);
    finish([sc](StaffState& s) { s.schedule = sc; }, false);
  });
}

void StaffClient::reimport_schedule() {
  submit([this, token = state_.token, ca = ca_file_](HttpClient& http) mutable {
    const Bearer bearer(http, token);
    wipe(token);
    const HttpResponse info = http.get("/api/v1/schedule");
    if (!ok(info)) return finish(failure(info), false);
    const ui::ScheduleView sc = schedule_of(body_of(info));
    if (!sc.reimportable())
      return finish([](StaffState& s) { s.message = ui::tr("schedule.from_file"); }, false);
    // The programme's own server, not the node: a client of its own, without the staff token.
    HttpOptions fetch_options;
    fetch_options.total_timeout_ms = 30000;
    fetch_options.connect_timeout_ms = 5000;
    fetch_options.ca_file = ca;
    HttpClient fetcher(sc.source, fetch_options);
    fetching_ = &fetcher;
    {
      std::lock_guard lock(mutex_);  // stop() may have run before fetching_ was set
      if (stopping_) fetcher.cancel();
    }
    const HttpResponse doc = fetcher.get("");
    fetching_ = nullptr;
    if (!doc.transport_ok() || doc.status != 200) {
      const std::string why = doc.transport_ok() ? "HTTP " + std::to_string(doc.status) : doc.transport_error;
      return finish([why, url = sc.source](StaffState& s) { s.message = ui::tr("schedule.fetch_failed", {{"url", url}, {"why", why}}); }, false);
    }
    const HttpResponse r = http.put("/api/v1/schedule?source=" + query_escape(sc.source), doc.body, 30000);
    if (!ok(r)) return finish(failure(r), false);
    const auto j = body_of(r);
    auto num = [&](const char* k) { return j.is_object() && j.contains(k) && j[k].is_number_integer() ? j[k].get<int>() : 0; };
    const int talks = num("talks"), added = num("added"), updated = num("updated"), cancelled = num("cancelled");
    finish([=](StaffState& s) {
      s.message = ui::tr("schedule.reimported", {{"talks", std::to_string(talks)}, {"added", std::to_string(added)},
                                                 {"updated", std::to_string(updated)}, {"cancelled", std::to_string(cancelled)}});
      s.schedule.known = false;  // read again below
    }, true);
  });
  refresh_schedule();
}

void StaffClient::refresh_fleet() {
  submit([this, token = state_.token](HttpClient& http) mutable {
    const Bearer bearer(http, token);
    wipe(token);
    const HttpResponse r = http.get("/api/v1/kiosks");
    if (!ok(r)) return finish(failure(r), false);
    const auto j = body_of(r);
    if (!j.is_object() || !j.contains("kiosks") || !j["kiosks"].is_array())
      return finish([](StaffState& s) { s.message = ui::tr("staff_result.fleet_unreadable"); }, false);
    std::vector<ui::KioskInfo> fleet;
    for (const auto& k : j["kiosks"]) {
      if (!k.is_object()) continue;
      ui::KioskInfo info;
      auto str = [&](const char* name) {
        return k.contains(name) && k[name].is_string() ? k[name].get<std::string>() : std::string();
      };
      info.id = str("id");
      info.last_seen = str("last_seen");
      info.version = str("version");
      if (k.contains("outbox") && k["outbox"].is_number_integer()) info.outbox = k["outbox"].get<int>();
      if (k.contains("lag_ms") && k["lag_ms"].is_number_integer()) info.lag_ms = k["lag_ms"].get<long long>();
      fleet.push_back(std::move(info));
    }
    finish([fleet = std::move(fleet)](StaffState& s) { s.fleet = fleet; }, false);
  });
}

}  // namespace osb::kiosk
