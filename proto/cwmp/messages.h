#pragma once
// TR-069 (CWMP 1.x) RPC messages as plain values. One struct per RPC of TR-069 Annex A
// that the H(e)MS role uses; the SOAP envelope around them is in envelope.h.
// Field names follow the XML element names of TR-069 Annex A.3.

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace hnbsec::cwmp {

// TR-069 A.3.2.4 ParameterValueStruct; `type` is the xsi:type of Value ("xsd:string", ...).
struct ParameterValue {
    std::string name;
    std::string value;
    std::string type = "xsd:string";
    bool operator==(const ParameterValue&) const = default;
};

// TR-069 A.3.3.1 DeviceIdStruct.
struct DeviceId {
    std::string manufacturer;
    std::string oui;
    std::string product_class;
    std::string serial_number;
    bool operator==(const DeviceId&) const = default;
};

// TR-069 A.3.3.1 EventStruct: "0 BOOTSTRAP", "1 BOOT", "7 TRANSFER COMPLETE", "M Download" ...
struct EventStruct {
    std::string event_code;
    std::string command_key;
    bool operator==(const EventStruct&) const = default;
};

// TR-069 A.3.3.1 Inform (CPE -> ACS).
struct Inform {
    DeviceId device_id;
    std::vector<EventStruct> events;
    std::uint32_t max_envelopes = 1;
    std::string current_time;  // xsd:dateTime as sent
    std::uint32_t retry_count = 0;
    std::vector<ParameterValue> parameters;
    bool operator==(const Inform&) const = default;
};

struct InformResponse {
    std::uint32_t max_envelopes = 1;
    bool operator==(const InformResponse&) const = default;
};

// TR-069 A.3.2.2
struct GetParameterValues {
    std::vector<std::string> names;
    bool operator==(const GetParameterValues&) const = default;
};
struct GetParameterValuesResponse {
    std::vector<ParameterValue> parameters;
    bool operator==(const GetParameterValuesResponse&) const = default;
};

// TR-069 A.3.2.1
struct SetParameterValues {
    std::vector<ParameterValue> parameters;
    std::string parameter_key;
    bool operator==(const SetParameterValues&) const = default;
};
struct SetParameterValuesResponse {
    int status = 0;  // 0: applied, 1: applied and committed after reboot
    bool operator==(const SetParameterValuesResponse&) const = default;
};

// TR-069 A.3.2.10 / A.4.1.6
struct Reboot {
    std::string command_key;
    bool operator==(const Reboot&) const = default;
};
struct RebootResponse {
    bool operator==(const RebootResponse&) const = default;
};
struct FactoryReset {
    bool operator==(const FactoryReset&) const = default;
};
struct FactoryResetResponse {
    bool operator==(const FactoryResetResponse&) const = default;
};

// TR-069 A.3.2.8 Download; FileType e.g. "1 Firmware Upgrade Image", "3 Vendor Configuration File".
struct Download {
    std::string command_key;
    std::string file_type = "1 Firmware Upgrade Image";
    std::string url;
    std::string username;
    std::string password;
    std::uint64_t file_size = 0;
    std::string target_file_name;
    std::uint32_t delay_seconds = 0;
    std::string success_url;
    std::string failure_url;
    bool operator==(const Download&) const = default;
};
struct DownloadResponse {
    int status = 1;  // 1: not yet completed (TransferComplete follows)
    std::string start_time = "0001-01-01T00:00:00Z";
    std::string complete_time = "0001-01-01T00:00:00Z";
    bool operator==(const DownloadResponse&) const = default;
};

// TR-069 A.3.3.2 FaultStruct; code 0 means success.
struct FaultStruct {
    std::uint32_t fault_code = 0;
    std::string fault_string;
    bool operator==(const FaultStruct&) const = default;
};
struct TransferComplete {
    std::string command_key;
    FaultStruct fault;
    std::string start_time;
    std::string complete_time;
    bool operator==(const TransferComplete&) const = default;
};
struct TransferCompleteResponse {
    bool operator==(const TransferCompleteResponse&) const = default;
};

// SOAP Fault carrying a CWMP fault (TR-069 A.5): faultcode "Client"/"Server", detail/cwmp:Fault.
struct Fault {
    std::string soap_fault_code = "Client";
    std::string soap_fault_string = "CWMP fault";
    FaultStruct cwmp;
    bool operator==(const Fault&) const = default;
};

using Rpc =
    std::variant<Inform, InformResponse, GetParameterValues, GetParameterValuesResponse, SetParameterValues,
                 SetParameterValuesResponse, Reboot, RebootResponse, FactoryReset, FactoryResetResponse,
                 Download, DownloadResponse, TransferComplete, TransferCompleteResponse, Fault>;

// The RPC's element name, e.g. "Inform", "GetParameterValuesResponse"; "Fault" for a SOAP Fault.
const char* rpc_name(const Rpc& rpc);

}  // namespace hnbsec::cwmp
