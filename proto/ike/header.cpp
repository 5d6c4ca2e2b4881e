#include "proto/ike/header.h"

namespace hnbsec::ike {

std::string message_name(const IkeHeader& header) {
    return exchange_type_name(header.exchange_type) + (header.response() ? " response" : " request");
}

}  // namespace hnbsec::ike
