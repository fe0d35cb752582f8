"""Start the book's notebook kernels on Unix sockets, not on TCP ports.

A Jupyter kernel manager picks five free TCP ports, closes them, writes them to the kernel's
connection file and starts the kernel, which binds them a second or more later. Any process
that binds a port in between takes it, and the kernel dies with "Address already in use".
Jupyter's own issue threads call this race inherent to the protocol; it is rare, but a build
that runs two chapters at once (``-j``) beside a test suite starting kernels of its own meets
it sooner or later. Over Unix sockets (ZeroMQ's ``ipc`` transport) each kernel binds files in
a folder of its own, which no other process can be handed.

:class:`UnixSocketProvisioner` is a ``jupyter_client`` kernel provisioner (registered as
``PROVISIONER`` in the package's entry points) that does only that, and
:func:`use_unix_sockets` makes it the default for kernels this process starts. Where Unix
sockets are missing (Windows) or the folder's path would be too long for one, it starts
kernels exactly as the standard provisioner does.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import MutableMapping
from importlib.metadata import entry_points
from typing import Any

from jupyter_client.provisioning import LocalProvisioner

PROVISIONER = "bendlines-unix-sockets"
GROUP = "jupyter_client.kernel_provisioners"
DEFAULT_VARIABLE = "JUPYTER_DEFAULT_PROVISIONER_NAME"  # read by jupyter_client
# A Unix socket's path holds at most 107 bytes on Linux (103 on macOS); a kernel's five
# sockets are named PREFIX-1 to PREFIX-5, and the prefix leaves room for them.
LONGEST_PREFIX = 96


def socket_prefix(folder: str) -> str | None:
    """The path the kernel's sockets are named after, inside ``folder``, or None where Unix
    sockets cannot be used there (no Unix sockets, or a path too long for one)."""
    prefix = os.path.join(folder, "kernel")
    if os.name != "posix" or len(os.fsencode(prefix)) > LONGEST_PREFIX:
        return None
    return prefix


class UnixSocketProvisioner(LocalProvisioner):
    """A local kernel whose channels are Unix sockets in a temporary folder of its own."""

    socket_folder: str | None = None

    async def pre_launch(self, **kwargs: Any) -> dict[str, Any]:
        """Point the kernel manager at Unix sockets before the standard launch writes the
        connection file (a restart keeps the sockets it had)."""
        manager = self.parent
        if manager is not None and manager.transport == "tcp" and self.socket_folder is None:
            folder = tempfile.mkdtemp(prefix="bendlines-kernel-")
            prefix = socket_prefix(folder)
            if prefix is None:
                os.rmdir(folder)
            else:
                self.socket_folder = folder
                manager.transport = "ipc"
                manager.ip = prefix
                manager.cache_ports = False  # ports are socket numbers now, not TCP ports
        return await super().pre_launch(**kwargs)

    async def cleanup(self, restart: bool = False) -> None:
        """Remove the sockets' folder once the kernel is gone for good."""
        await super().cleanup(restart=restart)
        if not restart and self.socket_folder is not None:
            shutil.rmtree(self.socket_folder, ignore_errors=True)
            self.socket_folder = None


def provisioner_installed() -> bool:
    """Whether the installed package registers ``PROVISIONER`` with jupyter_client (an
    environment installed before it was added does not, until ``make install`` again)."""
    return bool(entry_points(group=GROUP, name=PROVISIONER))


def use_unix_sockets(environ: MutableMapping[str, str] = os.environ) -> bool:
    """Make :class:`UnixSocketProvisioner` the default for kernels started from here on, by
    the variable jupyter_client reads, unless the environment already names a provisioner
    (kept: it was set on purpose) or the package's entry point is not installed. Returns
    whether kernels will use it."""
    if DEFAULT_VARIABLE not in environ and provisioner_installed():
        environ[DEFAULT_VARIABLE] = PROVISIONER
    return environ.get(DEFAULT_VARIABLE) == PROVISIONER
