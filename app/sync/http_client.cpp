// Open Space Board — HttpClient over libcurl (the only file that includes curl/curl.h).
// [SECTION] Global init
// [SECTION] Callbacks
// [SECTION] Client
//
// Each client keeps one easy handle and one multi handle for its whole life, so the TCP
// connection to the node is reused. The request runs on the multi interface in slices of at most
// 100 ms (curl_multi_poll), and cancel() both raises an atomic flag and wakes the poll
// (curl_multi_wakeup): a long-poll returns within one slice. The progress callback checks the same
// flag, so a transfer that is busy moving bytes stops too. (curl_easy_perform alone only calls the
// progress callback about once a second when the line is idle: too slow for shutdown.)
#include "sync/http_client.hpp"

#include <curl/curl.h>
#include <openssl/crypto.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <ctime>
#include <mutex>
#include <stdexcept>

namespace osb {

// [SECTION] Global init

namespace {

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) throw std::runtime_error("libcurl failed to initialise");
  });
}

// [SECTION] Callbacks

size_t on_body(char* data, size_t size, size_t n, void* user) {
  static_cast<std::string*>(user)->append(data, size * n);
  return size * n;
}

std::string trim(std::string s) {
  const auto ws = [](unsigned char c) { return std::isspace(c) != 0; };
  while (!s.empty() && ws(static_cast<unsigned char>(s.back()))) s.pop_back();
  std::size_t i = 0;
  while (i < s.size() && ws(static_cast<unsigned char>(s[i]))) ++i;
  return s.substr(i);
}

size_t on_header(char* data, size_t size, size_t n, void* user) {
  auto* headers = static_cast<std::map<std::string, std::string>*>(user);
  const std::string line(data, size * n);
  if (line.rfind("HTTP/", 0) == 0) {
    headers->clear();  // a new response (after a redirect or 100 Continue): keep only the last one's headers
    return size * n;
  }
  const auto colon = line.find(':');
  if (colon == std::string::npos) return size * n;
  std::string name = line.substr(0, colon);
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  (*headers)[trim(name)] = trim(line.substr(colon + 1));
  return size * n;
}

int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return static_cast<std::atomic<bool>*>(user)->load() ? 1 : 0;  // non-zero aborts the transfer
}

// Retry-After is either delta-seconds or an HTTP date.
int parse_retry_after(const std::string& v) {
  if (v.empty()) return -1;
  if (std::all_of(v.begin(), v.end(), [](unsigned char c) { return std::isdigit(c) != 0; })) {
    try {
      return static_cast<int>(std::min(std::stoll(v), 86400LL));
    } catch (const std::exception&) {
      return -1;
    }
  }
  const time_t at = curl_getdate(v.c_str(), nullptr);
  if (at < 0) return -1;
  const auto delta = at - std::time(nullptr);
  return delta > 0 ? static_cast<int>(std::min<long long>(delta, 86400)) : 0;
}

struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
using Slist = std::unique_ptr<curl_slist, SlistDeleter>;

}  // namespace

// [SECTION] Client

struct HttpClient::Impl {
  CURL* easy = nullptr;
  CURLM* multi = nullptr;
  HttpOptions options;
  std::mutex header_mutex;  // set_header may come from another thread than the requests
  std::atomic<bool> cancelled{false};

  ~Impl() {
    if (easy) curl_easy_cleanup(easy);
    if (multi) curl_multi_cleanup(multi);
  }
};

HttpClient::HttpClient(std::string base_url, HttpOptions options) : impl_(std::make_unique<Impl>()), base_url_(std::move(base_url)) {
  global_init();
  while (!base_url_.empty() && base_url_.back() == '/') base_url_.pop_back();
  impl_->options = std::move(options);
  impl_->easy = curl_easy_init();
  impl_->multi = curl_multi_init();
  if (!impl_->easy || !impl_->multi) throw std::runtime_error("libcurl could not create a handle");
}

HttpClient::~HttpClient() = default;

void HttpClient::set_base_url(std::string base_url) {
  base_url_ = std::move(base_url);
  while (!base_url_.empty() && base_url_.back() == '/') base_url_.pop_back();
}

void HttpClient::set_header(const std::string& name, const std::string& value) {
  std::lock_guard lock(impl_->header_mutex);
  impl_->options.headers[name] = value;
}

void HttpClient::clear_header(const std::string& name) {
  std::lock_guard lock(impl_->header_mutex);
  const auto it = impl_->options.headers.find(name);
  if (it == impl_->options.headers.end()) return;
  if (!it->second.empty()) OPENSSL_cleanse(it->second.data(), it->second.size());
  impl_->options.headers.erase(it);
}

void HttpClient::cancel() {
  impl_->cancelled = true;
  curl_multi_wakeup(impl_->multi);  // thread-safe by libcurl's contract: wakes curl_multi_poll
}

void HttpClient::reset_cancel() { impl_->cancelled = false; }

HttpResponse HttpClient::get(const std::string& path, int timeout_ms) { return request("GET", path, "", timeout_ms); }
HttpResponse HttpClient::post(const std::string& path, const std::string& body, int timeout_ms) {
  return request("POST", path, body, timeout_ms);
}
HttpResponse HttpClient::put(const std::string& path, const std::string& body, int timeout_ms) {
  return request("PUT", path, body, timeout_ms);
}
HttpResponse HttpClient::del(const std::string& path, int timeout_ms) { return request("DELETE", path, "", timeout_ms); }

HttpResponse HttpClient::request(const std::string& method, const std::string& path, const std::string& body, int timeout_ms) {
  HttpResponse res;
  if (impl_->cancelled) {
    res.cancelled = true;
    res.transport_error = "The request was cancelled.";
    return res;
  }
  CURL* h = impl_->easy;
  curl_easy_reset(h);  // keeps the open connection, clears the previous request's options

  const std::string url = base_url_ + path;
  const long total = timeout_ms > 0 ? timeout_ms : impl_->options.total_timeout_ms;
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(impl_->options.connect_timeout_ms));
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, total);
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!impl_->options.ca_file.empty()) curl_easy_setopt(h, CURLOPT_CAINFO, impl_->options.ca_file.c_str());
  curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &res.body);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &res.headers);
  curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
  curl_easy_setopt(h, CURLOPT_XFERINFODATA, &impl_->cancelled);

  if (method == "GET") {
    curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
  } else {
    if (method != "POST") curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method.c_str());
    if (method == "POST" || !body.empty()) {
      curl_easy_setopt(h, CURLOPT_POST, 1L);
      curl_easy_setopt(h, CURLOPT_POSTFIELDS, body.c_str());
      curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    }
  }

  Slist headers;
  {
    std::lock_guard lock(impl_->header_mutex);
    for (const auto& [name, value] : impl_->options.headers)
      headers.reset(curl_slist_append(headers.release(), (name + ": " + value).c_str()));
  }
  if (!body.empty()) headers.reset(curl_slist_append(headers.release(), "Content-Type: application/json"));
  headers.reset(curl_slist_append(headers.release(), "Expect:"));  // no 100-continue round trip
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());

  // Run on the multi handle in slices so cancel() is seen within ~100 ms.
  CURLcode done = CURLE_OK;
  bool finished = false;
  curl_multi_add_handle(impl_->multi, h);
  while (!finished) {
    int running = 0;
    if (curl_multi_perform(impl_->multi, &running) != CURLM_OK) {
      done = CURLE_FAILED_INIT;
      break;
    }
    int queued = 0;
    while (CURLMsg* m = curl_multi_info_read(impl_->multi, &queued)) {
      if (m->msg == CURLMSG_DONE && m->easy_handle == h) {
        done = m->data.result;
        finished = true;
      }
    }
    if (finished) break;
    if (impl_->cancelled) {
      done = CURLE_ABORTED_BY_CALLBACK;
      break;
    }
    curl_multi_poll(impl_->multi, nullptr, 0, 100, nullptr);
  }
  curl_multi_remove_handle(impl_->multi, h);

  if (impl_->cancelled && done != CURLE_OK) {
    res.cancelled = true;
    res.transport_error = "The request was cancelled.";
    res.status = 0;
    return res;
  }
  if (done != CURLE_OK) {
    res.transport_error = curl_easy_strerror(done);
    res.status = 0;
    res.body.clear();
    return res;
  }
  long status = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  res.status = static_cast<int>(status);
  if (const auto it = res.headers.find("retry-after"); it != res.headers.end()) res.retry_after_s = parse_retry_after(it->second);
  return res;
}

}  // namespace osb
