#include "harness/net/unique_fd.h"

#include <unistd.h>

namespace hnbsec::net {

void UniqueFd::reset(int fd) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
}

}  // namespace hnbsec::net
