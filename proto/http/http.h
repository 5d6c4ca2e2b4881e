#pragma once
// The HTTP/1.1 codec in one include: messages, incremental parsers, serializers.
#include "proto/http/message.h"          // IWYU pragma: export
#include "proto/http/request_parser.h"   // IWYU pragma: export
#include "proto/http/response_parser.h"  // IWYU pragma: export
#include "proto/http/serialize.h"        // IWYU pragma: export
