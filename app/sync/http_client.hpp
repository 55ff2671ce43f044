// Open Space Board — a small RAII HTTP client over libcurl (the only file that includes curl).
// NOSIGNAL, connect and total timeouts, transport failures kept apart from HTTP status, and
// cancellation (cancel() from any thread makes a request in flight return at once, even a
// long-poll). https:// URLs verify the certificate (optionally against a given CA file). One
// client talks to one base URL at a time; set_base_url() moves it to another.
#pragma once
#include <atomic>
#include <map>
#include <memory>
#include <string>

namespace osb {

struct HttpResponse {
  int status = 0;                  // HTTP status; 0 when the request never got an answer
  std::string body;
  std::string transport_error;     // non-empty when no answer arrived (refused, timeout, DNS, TLS...)
  bool cancelled = false;          // cancel() was called
  int retry_after_s = -1;          // Retry-After header, when present
  std::map<std::string, std::string> headers;  // lower-case names
  bool transport_ok() const { return transport_error.empty() && !cancelled; }
};

struct HttpOptions {
  int connect_timeout_ms = 3000;
  int total_timeout_ms = 10000;    // per request; long-polls pass their own
  std::string ca_file;             // extra CA bundle for https://
  std::map<std::string, std::string> headers;  // sent with every request (Authorization, X-Kiosk-*)
};

class HttpClient {
 public:
  explicit HttpClient(std::string base_url, HttpOptions options = {});
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // `path` starts with '/'. `timeout_ms` <= 0 uses options.total_timeout_ms.
  HttpResponse get(const std::string& path, int timeout_ms = 0);
  HttpResponse post(const std::string& path, const std::string& json_body, int timeout_ms = 0);
  HttpResponse put(const std::string& path, const std::string& json_body, int timeout_ms = 0);
  HttpResponse del(const std::string& path, int timeout_ms = 0);
  HttpResponse request(const std::string& method, const std::string& path, const std::string& body, int timeout_ms);

  // Sets / replaces a header sent with every later request (e.g. X-Kiosk-Outbox).
  void set_header(const std::string& name, const std::string& value);
  // Stops sending a header; its value (a staff token) is overwritten in memory first.
  void clear_header(const std::string& name);
  // Makes the request in flight (and any later one until reset_cancel()) return at once.
  void cancel();
  void reset_cancel();
  // Points later requests at another base URL (a kiosk with several nodes). The curl handles
  // stay, and so do the connections they hold open to each host. Call it between requests, on
  // the thread that makes them.
  void set_base_url(std::string base_url);
  const std::string& base_url() const { return base_url_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::string base_url_;
};

}  // namespace osb
