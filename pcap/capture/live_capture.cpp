#include "pcap/capture/live_capture.h"

#include <cerrno>
#include <chrono>
#include <cstring>
#include <future>
#include <thread>

#include <fcntl.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <sched.h>
#include <unistd.h>

#include "pcap/pcapng/writer.h"

namespace hnbsec::pcap {

Status enter_netns(const std::string& name) {
    if (name.empty() || name.find('/') != std::string::npos || name == "." || name == "..")
        return Error("network namespace name \"" + name + "\" is not a name under /run/netns");
    const std::string path = "/run/netns/" + name;
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return Error("cannot open " + path + ": " + std::strerror(errno));
    const int rc = ::setns(fd, CLONE_NEWNET);
    const int saved = errno;
    ::close(fd);
    if (rc != 0) return Error("setns(" + path + "): " + std::strerror(saved));
    return Ok{};
}

struct LiveCapture::Worker {
    LiveCaptureOptions options;
    std::atomic<bool> stopping{false};
    std::atomic<std::uint64_t>* written = nullptr;
    std::thread thread;
    std::promise<Status> started;
    Status finished = Ok{};
    CaptureStats stats;

    void run();
};

namespace {

struct Context {
    PcapngWriter* writer;
    std::atomic<std::uint64_t>* written;
    Status* status;
};

void on_packet(u_char* user, const struct pcap_pkthdr* header, const u_char* bytes) {
    auto* ctx = reinterpret_cast<Context*>(user);
    if (!ctx->status->ok()) return;
    // Nanosecond precision was asked for: tv_usec holds nanoseconds.
    const std::int64_t ns = static_cast<std::int64_t>(header->ts.tv_sec) * 1000000000LL + header->ts.tv_usec;
    auto s = ctx->writer->write_packet(0, ns, std::span(bytes, header->caplen), header->len);
    if (!s.ok()) {
        *ctx->status = std::move(s).error();
        return;
    }
    ctx->written->fetch_add(1);
}

struct PcapCloser {
    void operator()(pcap_t* p) const {
        if (p != nullptr) pcap_close(p);
    }
};

}  // namespace

void LiveCapture::Worker::run() {
    auto fail = [this](Error e) {
        started.set_value(std::move(e).context("starting capture on " + options.interface));
    };
    if (!options.netns.empty()) {
        auto entered = enter_netns(options.netns);
        if (!entered.ok()) return fail(std::move(entered).error());
    }
    char errbuf[PCAP_ERRBUF_SIZE] = {};
    std::unique_ptr<pcap_t, PcapCloser> handle(pcap_create(options.interface.c_str(), errbuf));
    if (!handle) return fail(Error(std::string("pcap_create: ") + errbuf));
    pcap_t* p = handle.get();
    pcap_set_snaplen(p, options.snap_length);
    pcap_set_promisc(p, 0);
    pcap_set_timeout(p, 100);
    pcap_set_immediate_mode(p, 1);  // every packet as it comes: tests wait on them
    pcap_set_buffer_size(p, options.buffer_bytes);
    pcap_set_tstamp_precision(p, PCAP_TSTAMP_PRECISION_NANO);
    const int activated = pcap_activate(p);
    if (activated < 0) return fail(Error(std::string("pcap_activate: ") + pcap_geterr(p)));
    if (!options.filter.empty()) {
        bpf_program program{};
        if (pcap_compile(p, &program, options.filter.c_str(), 1, PCAP_NETMASK_UNKNOWN) != 0)
            return fail(Error("BPF filter \"" + options.filter + "\": " + pcap_geterr(p)));
        const int set = pcap_setfilter(p, &program);
        pcap_freecode(&program);
        if (set != 0) return fail(Error(std::string("pcap_setfilter: ") + pcap_geterr(p)));
    }
    if (pcap_setnonblock(p, 1, errbuf) != 0) return fail(Error(std::string("pcap_setnonblock: ") + errbuf));
    const int fd = pcap_get_selectable_fd(p);
    if (fd < 0) return fail(Error("no selectable file descriptor for " + options.interface));
    // libpcap leaves its packet socket inheritable: a DUT or peer started while we capture
    // would keep it (and its kernel buffer) open after the capture has ended.
    if (::fcntl(fd, F_SETFD, FD_CLOEXEC) != 0)
        return fail(Error(std::string("fcntl(FD_CLOEXEC): ") + std::strerror(errno)));

    auto writer = PcapngWriter::create(options.output, options.section);
    if (!writer.ok()) return fail(std::move(writer).error());
    CaptureInterface interface;
    interface.link_type = static_cast<LinkType>(pcap_datalink(p));
    interface.snap_length = static_cast<std::uint32_t>(pcap_snapshot(p));
    interface.name = options.interface;
    if (auto id = writer->add_interface(interface); !id.ok()) return fail(std::move(id).error());
    if (auto flushed = writer->flush(); !flushed.ok()) return fail(std::move(flushed).error());
    started.set_value(Ok{});

    Status status = Ok{};
    Context ctx{&*writer, written, &status};
    while (status.ok()) {
        pollfd pfd{fd, POLLIN, 0};
        const bool last = stopping.load();
        const int ready = ::poll(&pfd, 1, last ? 0 : 100);
        if (ready < 0 && errno != EINTR) {
            status = Error(std::string("poll: ") + std::strerror(errno));
            break;
        }
        // Drain what is there; after stop() was asked, one last non-blocking round.
        int n = 0;
        do {
            n = pcap_dispatch(p, -1, on_packet, reinterpret_cast<u_char*>(&ctx));
        } while (n > 0 && status.ok());
        if (n < 0 && n != PCAP_ERROR_BREAK) {
            status = Error(std::string("pcap_dispatch: ") + pcap_geterr(p));
            break;
        }
        if (last) break;
    }
    pcap_stat ps{};
    if (pcap_stats(p, &ps) == 0) {
        stats.received = ps.ps_recv;
        stats.dropped = ps.ps_drop;
        stats.interface_dropped = ps.ps_ifdrop;
    }
    stats.packets_written = written->load();
    if (auto closed = writer->close(); !closed.ok() && status.ok()) status = std::move(closed).error();
    finished = std::move(status);
}

Result<std::unique_ptr<LiveCapture>> LiveCapture::start(const LiveCaptureOptions& options) {
    std::unique_ptr<LiveCapture> capture(new LiveCapture());
    capture->worker_ = std::make_unique<Worker>();
    Worker& w = *capture->worker_;
    w.options = options;
    w.written = &capture->written_;
    auto started = w.started.get_future();
    w.thread = std::thread([&w] { w.run(); });
    if (started.wait_for(std::chrono::milliseconds(options.start_timeout_ms)) != std::future_status::ready) {
        w.stopping = true;
        w.thread.join();
        return Error("capture on " + options.interface + " did not start within " +
                     std::to_string(options.start_timeout_ms) + " ms");
    }
    Status s = started.get();
    if (!s.ok()) {
        w.thread.join();
        capture->worker_.reset();
        return std::move(s).error();
    }
    return capture;
}

Result<CaptureStats> LiveCapture::stop() {
    if (!worker_) return Error("capture already stopped");
    worker_->stopping = true;
    if (worker_->thread.joinable()) worker_->thread.join();
    auto worker = std::move(worker_);
    if (!worker->finished.ok()) return std::move(worker->finished).error();
    return worker->stats;
}

LiveCapture::~LiveCapture() {
    if (worker_) static_cast<void>(stop());
}

}  // namespace hnbsec::pcap
