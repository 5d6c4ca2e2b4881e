#include "harness/dut/dut_adapter.h"

namespace hnbsec::dut {

std::string_view to_string(ActionOutcome outcome) {
    switch (outcome) {
        case ActionOutcome::kDone:
            return "done";
        case ActionOutcome::kUnsupported:
            return "unsupported";
        case ActionOutcome::kInconclusive:
            return "inconclusive";
    }
    return "?";
}

}  // namespace hnbsec::dut
