#pragma once
// One line per packet for the timeline and `hnbsec pcap inspect`, in the spec's words:
//   "IKE_AUTH request MID=1 SK{IDi CERT AUTH SA TSi TSr}", "ESP SPI=0xc0ffee01 seq=3",
//   "NTP v4 client stratum 0", "TLS ClientHello SNI=hems.lab.test", "POST /acs cwmp:Inform".

#include <string>

#include "pcap/dissect/dissection.h"

namespace hnbsec::pcap {

// The most specific layer's summary; keeps a summary the dissector already set (a
// fragment, an unknown EtherType) when no protocol above says more.
std::string summarize(const PacketDissection& d);

std::string ike_summary(const IkeInfo& ike);

// Sets d.summary to summarize(d), writing the common lines (ESP, plain UDP/TCP) straight
// into the string's existing buffer: no allocation per packet when `d` is reused.
void set_summary(PacketDissection& d);

}  // namespace hnbsec::pcap
