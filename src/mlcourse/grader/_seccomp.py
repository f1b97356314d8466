"""A seccomp filter for the sandbox: no kernel keyring.

Linux keeps a keyring per uid that no namespace isolates. Two sandboxes that run one after
the other as the same unprivileged uid could pass answers through it (``add_key`` in one,
``request_key`` in the next), and its keys outlive the batch. The sandbox has no use for it, so
``add_key``, ``request_key`` and ``keyctl`` fail with EPERM. The filter is a classic BPF
program, as ``bwrap --seccomp FD`` takes it.
"""

from __future__ import annotations

import platform
import struct

_LD_W_ABS = 0x20  # BPF_LD | BPF_W | BPF_ABS
_JEQ_K = 0x15  # BPF_JMP | BPF_JEQ | BPF_K
_JGE_K = 0x35  # BPF_JMP | BPF_JGE | BPF_K
_RET_K = 0x06  # BPF_RET | BPF_K
_ALLOW = 0x7FFF0000
_ERRNO_EPERM = 0x00050000 | 1
_NR, _ARCH = 0, 4  # offsets in struct seccomp_data

# audit arch, keyring syscall numbers, and the first number of an alternative ABI to refuse
_ARCHES = {
    "x86_64": (0xC000003E, (248, 249, 250), 0x40000000),  # x32 syscalls have bit 30 set
    "aarch64": (0xC00000B7, (217, 218, 219), None),
}


def _op(code: int, k: int, jt: int = 0, jf: int = 0) -> bytes:
    return struct.pack("=HBBI", code, jt, jf, k)


def keyring_filter(machine: str | None = None) -> bytes | None:
    """The BPF program denying the keyring syscalls on this machine, or None if unknown."""
    known = _ARCHES.get(machine or platform.machine())
    if known is None:
        return None
    arch, numbers, alternative = known
    denied = len(numbers) + (1 if alternative else 0)
    program = [
        _op(_LD_W_ABS, _ARCH),
        _op(_JEQ_K, arch, jt=1, jf=0),
        _op(_RET_K, _ERRNO_EPERM),  # another architecture's calling convention: refused
        _op(_LD_W_ABS, _NR),
    ]
    if alternative:
        program.append(_op(_JGE_K, alternative, jt=denied, jf=0))
        denied -= 1
    for index, number in enumerate(numbers):
        program.append(_op(_JEQ_K, number, jt=len(numbers) - index, jf=0))
    program += [_op(_RET_K, _ALLOW), _op(_RET_K, _ERRNO_EPERM)]
    return b"".join(program)
