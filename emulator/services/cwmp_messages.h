#pragma once
// What the CPE side of a CWMP session sends (TR-069 §3.4, §3.7, Annex A): the boot Inform,
// the HTTP POSTs that carry envelopes, and the Fault that declines an ACS request.

#include <chrono>
#include <string>
#include <vector>

#include "emulator/services/cwmp_client.h"
#include "emulator/services/cwmp_url.h"
#include "proto/cwmp/envelope.h"
#include "proto/http/message.h"

namespace hnbsec::emulator {

// TR-069 §3.4: CWMP 1.0 envelopes (urn:dslforum-org:cwmp-1-0), what every ACS accepts.
inline constexpr int kCwmpMinor = 0;

// xsd:dateTime in UTC with seconds, "2026-11-28T23:30:00Z".
std::string cwmp_date_time(std::chrono::system_clock::time_point time);

// The ParameterList of the boot Inform (TR-181 Device:2 names): DeviceInfo's identity and
// software version, and ManagementServer.ConnectionRequestURL.
std::vector<cwmp::ParameterValue> inform_parameters(const CwmpDeviceId& device_id,
                                                    const std::string& connection_request_url);

// TR-069 A.3.3.1 Inform: DeviceId, one EventStruct "1 BOOT", MaxEnvelopes 1, CurrentTime,
// RetryCount 0 (first attempt of the session), the ParameterList above; `id` is the cwmp:ID.
cwmp::Envelope make_boot_inform(const CwmpDeviceId& device_id, const std::string& connection_request_url,
                                std::chrono::system_clock::time_point now, const std::string& id);

// The answer to an ACS request the device does not implement: SOAP Fault "Server" with
// CWMP fault 9000 "Method not supported" (TR-069 A.5.1), echoing the request's cwmp:ID.
cwmp::Envelope make_method_not_supported(const cwmp::Envelope& request);

// An HTTP/1.1 POST to the ACS (TR-069 §3.4.1): Host, Content-Type text/xml (when there is
// a body), SOAPAction (only for requests: `soap_action` non-empty), the session cookies
// (TR-069 §3.4.2), keep-alive. An empty `body` is the empty POST that asks for the next
// ACS request (§3.7.2.4), sent with Content-Length 0.
http::Request make_cwmp_post(const CwmpUrl& url, std::string body, const std::string& soap_action,
                             const std::vector<std::string>& cookies);

// The "name=value" pairs of the Set-Cookie fields of `response` (attributes dropped), merged
// into `cookies` (a later value for a name replaces the earlier one).
void remember_cookies(const http::Response& response, std::vector<std::string>& cookies);

}  // namespace hnbsec::emulator
