#pragma once
// An owned file descriptor: closed on destruction, movable, never copied. The
// sockets and the TUN device of harness/net hand their descriptors out in one,
// so a failed set-up cannot leak them; asio takes one over with `release()`:
//   asio::ip::udp::socket s(io, asio::ip::udp::v4(), fd.release());

#include <utility>

namespace hnbsec::net {

class UniqueFd {
public:
    UniqueFd() = default;
    explicit UniqueFd(int fd) : fd_(fd) {}
    UniqueFd(const UniqueFd&) = delete;
    UniqueFd& operator=(const UniqueFd&) = delete;
    UniqueFd(UniqueFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
    UniqueFd& operator=(UniqueFd&& other) noexcept {
        if (this != &other) reset(std::exchange(other.fd_, -1));
        return *this;
    }
    ~UniqueFd() { reset(); }

    int get() const { return fd_; }
    bool valid() const { return fd_ >= 0; }
    // Gives up ownership (to asio, say); the caller closes it.
    int release() { return std::exchange(fd_, -1); }
    void reset(int fd = -1);

private:
    int fd_ = -1;
};

}  // namespace hnbsec::net
