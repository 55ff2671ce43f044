// A TCP proxy for tests that sits between a kiosk and the node and misbehaves on demand:
// pass, delay every chunk, drop (close at once), reset (RST), or black-hole (accept, swallow,
// never answer). Mode changes apply to new connections; kill_all() breaks the live ones.
#pragma once
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace osb::test {

class FaultProxy {
 public:
  enum class Mode { Pass, Delay, Drop, Reset, BlackHole };

  explicit FaultProxy(int target_port) : target_port_(target_port) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(listen_fd_, 256) != 0)
      throw std::runtime_error("fault proxy: cannot listen");
    socklen_t len = sizeof a;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    acceptor_ = std::thread([this] { accept_loop(); });
  }
  ~FaultProxy() {
    stop_ = true;
    ::shutdown(listen_fd_, SHUT_RDWR);
    ::close(listen_fd_);
    acceptor_.join();
    kill_all();
    std::vector<std::thread> ts;
    {
      std::lock_guard<std::mutex> l(mu_);
      ts.swap(threads_);
    }
    for (auto& t : ts) t.join();
  }

  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  void set_mode(Mode m, int delay_ms = 0) {
    delay_ms_ = delay_ms;
    mode_ = m;
  }
  void set_target(int port) { target_port_ = port; }
  // Closes every live connection (both sides), as a Wi-Fi drop would.
  void kill_all() {
    std::lock_guard<std::mutex> l(mu_);
    for (int fd : live_) ::shutdown(fd, SHUT_RDWR);
  }
  int connections() const { return accepted_; }

 private:
  void accept_loop() {
    while (!stop_) {
      const int c = ::accept(listen_fd_, nullptr, nullptr);
      if (c < 0) {
        if (stop_) return;
        continue;
      }
      ++accepted_;
      std::lock_guard<std::mutex> l(mu_);
      threads_.emplace_back([this, c] { serve(c); });
    }
  }

  void track(int fd, bool add) {
    std::lock_guard<std::mutex> l(mu_);
    if (add) live_.push_back(fd);
    else
      for (auto it = live_.begin(); it != live_.end(); ++it)
        if (*it == fd) {
          live_.erase(it);
          break;
        }
  }

  void serve(int client) {
    const Mode mode = mode_;
    if (mode == Mode::Drop) {
      ::close(client);
      return;
    }
    if (mode == Mode::Reset) {
      linger lg{1, 0};
      ::setsockopt(client, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
      ::close(client);
      return;
    }
    track(client, true);
    if (mode == Mode::BlackHole) {
      char buf[4096];
      while (!stop_) {
        pollfd p{client, POLLIN, 0};
        if (::poll(&p, 1, 50) > 0 && ::recv(client, buf, sizeof buf, 0) <= 0) break;
      }
      track(client, false);
      ::close(client);
      return;
    }
    const int server = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(static_cast<uint16_t>(target_port_.load()));
    if (::connect(server, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
      track(client, false);
      ::close(server);
      ::close(client);
      return;
    }
    track(server, true);
    pollfd fds[2] = {{client, POLLIN, 0}, {server, POLLIN, 0}};
    char buf[16384];
    while (!stop_) {
      if (::poll(fds, 2, 50) <= 0) continue;
      bool closed = false;
      for (int i = 0; i < 2 && !closed; ++i) {
        if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
        const ssize_t n = ::recv(fds[i].fd, buf, sizeof buf, 0);
        if (n <= 0) {
          closed = true;
          break;
        }
        if (mode == Mode::Delay && delay_ms_ > 0) std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms_));
        if (::send(fds[1 - i].fd, buf, static_cast<size_t>(n), MSG_NOSIGNAL) != n) closed = true;
      }
      if (closed) break;
    }
    track(client, false);
    track(server, false);
    ::close(server);
    ::close(client);
  }

  std::atomic<int> target_port_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<Mode> mode_{Mode::Pass};
  std::atomic<int> delay_ms_{0};
  std::atomic<int> accepted_{0};
  std::mutex mu_;
  std::vector<int> live_;
  std::vector<std::thread> threads_;
  std::thread acceptor_;
};

}  // namespace osb::test
