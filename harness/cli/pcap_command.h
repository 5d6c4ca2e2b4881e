#pragma once
// `hnbsec pcap`: wire evidence.
//   hnbsec pcap inspect FILE [--keys DIR] [--dut ADDR] [--json]
//       one line (or JSON object) per packet, IKE SK and ESP decrypted with the Wireshark
//       tables in DIR (ikev2_decryption_table, esp_sa as `hnbsec segw --keys-out` writes)
//   hnbsec pcap keys --from EVIDENCE_DIR --wireshark OUT_DIR
//       checks and normalises those tables (and a TLS key log) into a folder Wireshark
//       reads as a profile (with ESP decryption switched on)

#include "harness/cli/command.h"

namespace hnbsec::cli {

void register_pcap_command(CLI::App& app, Action& action);

}  // namespace hnbsec::cli
