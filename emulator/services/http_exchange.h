#pragma once
// One HTTP/1.1 request and its response over a ByteStream (RFC 9112), read through the
// bounded incremental parser of proto/http. Interim 1xx responses are skipped.

#include "core/result.h"
#include "emulator/services/byte_stream.h"
#include "proto/http/message.h"

namespace hnbsec::emulator {

Result<http::Response> http_exchange(ByteStream& stream, const http::Request& request, Deadline deadline);

}  // namespace hnbsec::emulator
