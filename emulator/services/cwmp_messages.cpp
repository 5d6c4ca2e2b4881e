#include "emulator/services/cwmp_messages.h"

#include <ctime>

namespace hnbsec::emulator {

std::string cwmp_date_time(std::chrono::system_clock::time_point time) {
    const std::time_t seconds = std::chrono::system_clock::to_time_t(time);
    std::tm utc{};
    ::gmtime_r(&seconds, &utc);
    char text[32] = {};
    if (std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc) == 0) return "0001-01-01T00:00:00Z";
    return text;
}

std::vector<cwmp::ParameterValue> inform_parameters(const CwmpDeviceId& device_id,
                                                    const std::string& connection_request_url) {
    return {
        {"Device.RootDataModelVersion", "2.11", "xsd:string"},
        {"Device.DeviceInfo.Manufacturer", device_id.manufacturer, "xsd:string"},
        {"Device.DeviceInfo.ManufacturerOUI", device_id.oui, "xsd:string"},
        {"Device.DeviceInfo.ProductClass", device_id.product_class, "xsd:string"},
        {"Device.DeviceInfo.SerialNumber", device_id.serial_number, "xsd:string"},
        {"Device.DeviceInfo.HardwareVersion", "emulated", "xsd:string"},
        {"Device.DeviceInfo.SoftwareVersion", "hnbsec-henb", "xsd:string"},
        {"Device.ManagementServer.ConnectionRequestURL", connection_request_url, "xsd:string"},
        {"Device.ManagementServer.ParameterKey", "", "xsd:string"},
    };
}

cwmp::Envelope make_boot_inform(const CwmpDeviceId& device_id, const std::string& connection_request_url,
                                std::chrono::system_clock::time_point now, const std::string& id) {
    cwmp::Inform inform;
    inform.device_id = {device_id.manufacturer, device_id.oui, device_id.product_class,
                        device_id.serial_number};
    inform.events = {{"1 BOOT", ""}};
    inform.max_envelopes = 1;
    inform.current_time = cwmp_date_time(now);
    inform.retry_count = 0;
    inform.parameters = inform_parameters(device_id, connection_request_url);
    cwmp::Envelope envelope{id, kCwmpMinor, false, std::move(inform)};
    return envelope;
}

cwmp::Envelope make_method_not_supported(const cwmp::Envelope& request) {
    cwmp::Fault fault;
    fault.soap_fault_code = "Server";
    fault.soap_fault_string = "CWMP fault";
    fault.cwmp = {9000, "Method not supported"};
    return cwmp::Envelope{request.id, request.cwmp_minor, false, std::move(fault)};
}

http::Request make_cwmp_post(const CwmpUrl& url, std::string body, const std::string& soap_action,
                             const std::vector<std::string>& cookies) {
    http::Request request;
    request.method = "POST";
    request.target = url.target;
    request.version = "HTTP/1.1";
    request.headers.push_back({"Host", url.authority()});
    request.headers.push_back({"User-Agent", "hnbsec-henb"});
    if (!body.empty()) request.headers.push_back({"Content-Type", "text/xml; charset=\"utf-8\""});
    // TR-069 §3.4.1: the CPE names the method of a request it sends; quoted per SOAP 1.1 §6.1.1.
    if (!soap_action.empty()) request.headers.push_back({"SOAPAction", "\"" + soap_action + "\""});
    if (!cookies.empty()) {
        std::string joined;
        for (const auto& cookie : cookies) joined += (joined.empty() ? "" : "; ") + cookie;
        request.headers.push_back({"Cookie", joined});
    }
    request.headers.push_back({"Connection", "keep-alive"});
    request.body = std::move(body);
    return request;
}

void remember_cookies(const http::Response& response, std::vector<std::string>& cookies) {
    for (const auto& header : response.headers) {
        if (!http::equals_ignore_case(header.name, "Set-Cookie")) continue;
        std::string pair = header.value.substr(0, header.value.find(';'));
        while (!pair.empty() && pair.back() == ' ') pair.pop_back();
        const std::size_t equals = pair.find('=');
        if (equals == std::string::npos || equals == 0) continue;
        const std::string name = pair.substr(0, equals + 1);
        std::erase_if(cookies,
                      [&name](const std::string& c) { return c.compare(0, name.size(), name) == 0; });
        cookies.push_back(std::move(pair));
    }
}

}  // namespace hnbsec::emulator
