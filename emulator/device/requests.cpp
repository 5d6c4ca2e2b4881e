#include "emulator/device/requests.h"

namespace hnbsec::emulator {
namespace {

constexpr std::string_view kHttps = "https://";
constexpr std::string_view kHttp = "http://";
constexpr std::size_t kOuiDigits = 6;

TimeQuery base_query(const TimeSection& time) {
    TimeQuery query;
    query.server = time.server;
    query.port = time.port;
    query.timeout = time.timeout;
    return query;
}

}  // namespace

TimeQuery outside_time_query(const TimeSection& time, const BackhaulSection& backhaul,
                             const DefectSet& defects) {
    TimeQuery query = base_query(time);
    if (!backhaul.address.empty()) query.bind_address = backhaul.address;
    query.check_origin = !defects.has(Defect::kSkipNtpOriginCheck);
    return query;
}

TimeQuery inside_time_query(const TimeSection& time, const BackhaulSection& backhaul,
                            const DefectSet& defects, const std::string& inner_address) {
    TimeQuery query = base_query(time);
    if (defects.has(Defect::kNtpOutsideTunnel)) {
        // Bound to the backhaul device, the kernel routes it out in clear, not via the TUN.
        query.bind_device = backhaul.interface;
    } else {
        query.bind_address = inner_address;
    }
    query.check_origin = !defects.has(Defect::kSkipNtpOriginCheck);
    return query;
}

TimeQuery pre_auth_probe_query(const TimeSection& time, const BackhaulSection& backhaul) {
    TimeQuery query = base_query(time);
    query.bind_device = backhaul.interface;
    query.check_origin = false;  // the answer is ignored anyway
    return query;
}

InformRequest inform_request(const HenbConfig& config, const DefectSet& defects,
                             const std::string& inner_address, const tre::Credentials& credentials) {
    const HemsSection& hems = *config.hems;
    InformRequest request;
    request.url = hems.url;
    if (defects.has(Defect::kCwmpOutsideTunnel)) {
        request.bind_device = config.backhaul.interface;
    } else if (hems.inside) {
        request.bind_address = inner_address;
    } else if (!config.backhaul.address.empty()) {
        request.bind_address = config.backhaul.address;
    }
    request.key = credentials.key;
    request.chain = credentials.chain;
    request.trust_anchors_pem = hems.trust_anchors.value_or(config.certificates.trust_anchors).string();
    request.device_id = device_id_from_identity(config.device.identity);
    request.timeout = hems.timeout;
    if (defects.has(Defect::kCwmpPlainHttp)) {
        request.plain_http = true;
        if (request.url.starts_with(kHttps))
            request.url = std::string(kHttp) + request.url.substr(kHttps.size());
    }
    request.offer_tls10 = defects.has(Defect::kAcceptTls10);
    request.verify_chain = !defects.has(Defect::kAcceptUntrustedHemsCert);
    request.verify_hostname = !defects.has(Defect::kSkipHemsHostnameCheck);
    request.send_client_cert = !defects.has(Defect::kNoTlsClientCert);
    return request;
}

CwmpDeviceId device_id_from_identity(std::string_view identity) {
    CwmpDeviceId id;
    const std::string_view eui = identity.substr(0, identity.find('.'));
    id.serial_number = std::string(eui);
    id.oui = std::string(eui.substr(0, std::min(kOuiDigits, eui.size())));
    return id;
}

}  // namespace hnbsec::emulator
