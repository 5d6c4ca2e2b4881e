// Encoding of CWMP envelopes with pugixml (TR-069 §3.5, Annex A). Argument elements are
// unqualified and arrays carry soap-enc:arrayType, as in TR-069's own examples, which is
// what deployed CPEs and ACSs expect.

#include <sstream>
#include <type_traits>

#include <pugixml.hpp>

#include "proto/cwmp/envelope.h"

namespace hnbsec::cwmp {
namespace {

using Node = pugi::xml_node;

void add_text(Node parent, const char* name, const std::string& value) {
    parent.append_child(name).text().set(value.c_str());
}

template <typename N>
void add_number(Node parent, const char* name, N value) {
    add_text(parent, name, std::to_string(value));
}

Node add_array(Node parent, const char* name, const std::string& item_type, std::size_t count) {
    Node array = parent.append_child(name);
    array.append_attribute("soap-enc:arrayType") = (item_type + "[" + std::to_string(count) + "]").c_str();
    return array;
}

void add_parameter_values(Node parent, const std::vector<ParameterValue>& values) {
    Node list = add_array(parent, "ParameterList", "cwmp:ParameterValueStruct", values.size());
    for (const auto& p : values) {
        Node item = list.append_child("ParameterValueStruct");
        add_text(item, "Name", p.name);
        Node value = item.append_child("Value");
        if (!p.type.empty()) value.append_attribute("xsi:type") = p.type.c_str();
        value.text().set(p.value.c_str());
    }
}

void add_fault_struct(Node parent, const FaultStruct& f) {
    add_number(parent, "FaultCode", f.fault_code);
    add_text(parent, "FaultString", f.fault_string);
}

struct BodyWriter {
    mutable Node body;  // a handle; appending through it does not change the writer

    void operator()(const Inform& m) const {
        Node n = body.append_child("cwmp:Inform");
        Node device = n.append_child("DeviceId");
        add_text(device, "Manufacturer", m.device_id.manufacturer);
        add_text(device, "OUI", m.device_id.oui);
        add_text(device, "ProductClass", m.device_id.product_class);
        add_text(device, "SerialNumber", m.device_id.serial_number);
        Node events = add_array(n, "Event", "cwmp:EventStruct", m.events.size());
        for (const auto& e : m.events) {
            Node item = events.append_child("EventStruct");
            add_text(item, "EventCode", e.event_code);
            add_text(item, "CommandKey", e.command_key);
        }
        add_number(n, "MaxEnvelopes", m.max_envelopes);
        add_text(n, "CurrentTime", m.current_time);
        add_number(n, "RetryCount", m.retry_count);
        add_parameter_values(n, m.parameters);
    }
    void operator()(const InformResponse& m) const {
        add_number(body.append_child("cwmp:InformResponse"), "MaxEnvelopes", m.max_envelopes);
    }
    void operator()(const GetParameterValues& m) const {
        Node names = add_array(body.append_child("cwmp:GetParameterValues"), "ParameterNames", "xsd:string",
                               m.names.size());
        for (const auto& name : m.names) add_text(names, "string", name);
    }
    void operator()(const GetParameterValuesResponse& m) const {
        add_parameter_values(body.append_child("cwmp:GetParameterValuesResponse"), m.parameters);
    }
    void operator()(const SetParameterValues& m) const {
        Node n = body.append_child("cwmp:SetParameterValues");
        add_parameter_values(n, m.parameters);
        add_text(n, "ParameterKey", m.parameter_key);
    }
    void operator()(const SetParameterValuesResponse& m) const {
        add_number(body.append_child("cwmp:SetParameterValuesResponse"), "Status", m.status);
    }
    void operator()(const Reboot& m) const {
        add_text(body.append_child("cwmp:Reboot"), "CommandKey", m.command_key);
    }
    void operator()(const RebootResponse& /*m*/) const { body.append_child("cwmp:RebootResponse"); }
    void operator()(const FactoryReset& /*m*/) const { body.append_child("cwmp:FactoryReset"); }
    void operator()(const FactoryResetResponse& /*m*/) const {
        body.append_child("cwmp:FactoryResetResponse");
    }
    void operator()(const Download& m) const {
        Node n = body.append_child("cwmp:Download");
        add_text(n, "CommandKey", m.command_key);
        add_text(n, "FileType", m.file_type);
        add_text(n, "URL", m.url);
        add_text(n, "Username", m.username);
        add_text(n, "Password", m.password);
        add_number(n, "FileSize", m.file_size);
        add_text(n, "TargetFileName", m.target_file_name);
        add_number(n, "DelaySeconds", m.delay_seconds);
        add_text(n, "SuccessURL", m.success_url);
        add_text(n, "FailureURL", m.failure_url);
    }
    void operator()(const DownloadResponse& m) const {
        Node n = body.append_child("cwmp:DownloadResponse");
        add_number(n, "Status", m.status);
        add_text(n, "StartTime", m.start_time);
        add_text(n, "CompleteTime", m.complete_time);
    }
    void operator()(const TransferComplete& m) const {
        Node n = body.append_child("cwmp:TransferComplete");
        add_text(n, "CommandKey", m.command_key);
        add_fault_struct(n.append_child("FaultStruct"), m.fault);
        add_text(n, "StartTime", m.start_time);
        add_text(n, "CompleteTime", m.complete_time);
    }
    void operator()(const TransferCompleteResponse& /*m*/) const {
        body.append_child("cwmp:TransferCompleteResponse");
    }
    void operator()(const Fault& m) const {
        Node n = body.append_child("soap-env:Fault");
        add_text(n, "faultcode", m.soap_fault_code);
        add_text(n, "faultstring", m.soap_fault_string);
        add_fault_struct(n.append_child("detail").append_child("cwmp:Fault"), m.cwmp);
    }
};

struct StringWriter : pugi::xml_writer {
    std::string out;
    void write(const void* data, std::size_t size) override {
        out.append(static_cast<const char*>(data), size);
    }
};

}  // namespace

std::string cwmp_namespace(int minor) {
    return "urn:dslforum-org:cwmp-1-" + std::to_string(minor);
}

std::string encode_envelope(const Envelope& envelope) {
    pugi::xml_document doc;
    Node decl = doc.append_child(pugi::node_declaration);
    decl.append_attribute("version") = "1.0";
    decl.append_attribute("encoding") = "UTF-8";
    Node root = doc.append_child("soap-env:Envelope");
    root.append_attribute("xmlns:soap-env") = std::string(kSoapEnvelopeNs).c_str();
    root.append_attribute("xmlns:soap-enc") = std::string(kSoapEncodingNs).c_str();
    root.append_attribute("xmlns:xsd") = "http://www.w3.org/2001/XMLSchema";
    root.append_attribute("xmlns:xsi") = "http://www.w3.org/2001/XMLSchema-instance";
    root.append_attribute("xmlns:cwmp") = cwmp_namespace(envelope.cwmp_minor).c_str();
    Node header = root.append_child("soap-env:Header");
    if (!envelope.id.empty()) {
        // TR-069 §3.5.1: the ID header is mustUnderstand="1".
        Node id = header.append_child("cwmp:ID");
        id.append_attribute("soap-env:mustUnderstand") = "1";
        id.text().set(envelope.id.c_str());
    }
    if (envelope.hold_requests) {
        Node hold = header.append_child("cwmp:HoldRequests");
        hold.append_attribute("soap-env:mustUnderstand") = "1";
        hold.text().set("1");
    }
    std::visit(BodyWriter{root.append_child("soap-env:Body")}, envelope.rpc);
    StringWriter writer;
    doc.save(writer, "  ", pugi::format_indent, pugi::encoding_utf8);
    return std::move(writer.out);
}

const char* rpc_name(const Rpc& rpc) {
    static constexpr const char* kNames[] = {"Inform",
                                             "InformResponse",
                                             "GetParameterValues",
                                             "GetParameterValuesResponse",
                                             "SetParameterValues",
                                             "SetParameterValuesResponse",
                                             "Reboot",
                                             "RebootResponse",
                                             "FactoryReset",
                                             "FactoryResetResponse",
                                             "Download",
                                             "DownloadResponse",
                                             "TransferComplete",
                                             "TransferCompleteResponse",
                                             "Fault"};
    static_assert(std::size(kNames) == std::variant_size_v<Rpc>);
    return kNames[rpc.index()];
}

}  // namespace hnbsec::cwmp
