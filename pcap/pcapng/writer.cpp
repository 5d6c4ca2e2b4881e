#include "pcap/pcapng/writer.h"

#include <cerrno>
#include <cstring>
#include <string>

namespace hnbsec::pcap {

void PcapngWriter::FileCloser::operator()(std::FILE* f) const {
    if (f != nullptr) static_cast<void>(std::fclose(f));
}

Result<PcapngWriter> PcapngWriter::create(const std::filesystem::path& path, const SectionInfo& section) {
    std::unique_ptr<std::FILE, FileCloser> file(
        std::fopen(path.c_str(), "wbe"));  // "e": O_CLOEXEC, no child inherits it
    if (!file) return Error("cannot create " + path.string() + ": " + std::strerror(errno));
    PcapngWriter writer(std::move(file), path);
    HNBSEC_CHECK(writer.put(encode_section_header(section)));
    return writer;
}

Status PcapngWriter::put(std::span<const std::uint8_t> block) {
    if (!file_) return Error("pcapng writer for " + path_.string() + " is closed");
    if (std::fwrite(block.data(), 1, block.size(), file_.get()) != block.size())
        return Error("writing " + path_.string() + ": " + std::strerror(errno));
    return Ok{};
}

Result<std::uint32_t> PcapngWriter::add_interface(const CaptureInterface& interface) {
    HNBSEC_CHECK(put(encode_interface_description(interface)));
    return interfaces_++;
}

Status PcapngWriter::write_packet(std::uint32_t interface_id, std::int64_t timestamp_ns,
                                  std::span<const std::uint8_t> data, std::uint32_t original_length,
                                  std::string_view comment) {
    if (interface_id >= interfaces_)
        return Error("packet for interface " + std::to_string(interface_id) + " but only " +
                     std::to_string(interfaces_) + " described");
    if (original_length < data.size()) original_length = static_cast<std::uint32_t>(data.size());
    HNBSEC_CHECK(put(encode_enhanced_packet(interface_id, timestamp_ns, data, original_length, comment)));
    ++packets_;
    return Ok{};
}

Status PcapngWriter::write_tls_key_log(std::string_view key_log) {
    return put(encode_decryption_secrets(
        kSecretsTlsKeyLog, std::span(reinterpret_cast<const std::uint8_t*>(key_log.data()), key_log.size())));
}

Status PcapngWriter::write_interface_statistics(const InterfaceStatistics& statistics) {
    if (statistics.interface_id >= interfaces_)
        return Error("statistics for interface " + std::to_string(statistics.interface_id) + " of " +
                     std::to_string(interfaces_));
    return put(encode_interface_statistics(statistics));
}

Status PcapngWriter::flush() {
    if (!file_) return Error("pcapng writer for " + path_.string() + " is closed");
    if (std::fflush(file_.get()) != 0)
        return Error("flushing " + path_.string() + ": " + std::strerror(errno));
    return Ok{};
}

Status PcapngWriter::close() {
    if (!file_) return Ok{};
    std::FILE* f = file_.release();
    if (std::fclose(f) != 0) return Error("closing " + path_.string() + ": " + std::strerror(errno));
    return Ok{};
}

}  // namespace hnbsec::pcap
