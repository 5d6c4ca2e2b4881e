#pragma once
// A connected byte stream with deadlines: TCP in clear (the cwmp-plain-http defect) or TLS.
// The CWMP session speaks HTTP over either without knowing which.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "core/result.h"
#include "emulator/services/client_socket.h"

namespace hnbsec::emulator {

class ByteStream {
public:
    virtual ~ByteStream() = default;
    virtual Status write_all(std::string_view bytes, Deadline deadline) = 0;
    // Bytes read (at least one), or 0 once the peer has closed the stream.
    virtual Result<std::size_t> read_some(std::span<std::uint8_t> into, Deadline deadline) = 0;
};

class PlainStream final : public ByteStream {
public:
    explicit PlainStream(SocketFd socket) : socket_(std::move(socket)) {}
    Status write_all(std::string_view bytes, Deadline deadline) override;
    Result<std::size_t> read_some(std::span<std::uint8_t> into, Deadline deadline) override;

private:
    SocketFd socket_;
};

}  // namespace hnbsec::emulator
