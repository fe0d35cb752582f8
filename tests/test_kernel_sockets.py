"""The book's notebook kernels listen on Unix sockets (bendlines.kernel_sockets), so two
kernels starting at once cannot be handed the same TCP port."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from importlib.metadata import entry_points
from pathlib import Path

from bendlines import kernel_sockets

ROOT = Path(__file__).resolve().parents[1]

# Starts a kernel the way MyST-NB does (nbclient, the default provisioner), after what
# book/conf.py does, and prints what the kernel's connection file says.
STARTS_A_KERNEL = """
import json, sys
import nbformat
from nbclient import NotebookClient
from bendlines.kernel_sockets import use_unix_sockets

chosen = use_unix_sockets()
cell = ("import json, ipykernel.connect\\n"
        "print(json.dumps(json.load(open(ipykernel.connect.get_connection_file()))))")
notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(cell)])
NotebookClient(notebook, kernel_name="python3", timeout=120).execute()
print(json.dumps({"chosen": chosen, "connection": json.loads(notebook.cells[0].outputs[0].text)}))
"""


def test_the_package_registers_the_provisioner_with_jupyter_client():
    (entry,) = entry_points(group=kernel_sockets.GROUP, name=kernel_sockets.PROVISIONER)
    assert entry.load() is kernel_sockets.UnixSocketProvisioner
    assert kernel_sockets.provisioner_installed()


def test_a_kernel_started_after_use_unix_sockets_binds_sockets_in_a_folder_it_then_removes():
    environment = {k: v for k, v in os.environ.items() if k != kernel_sockets.DEFAULT_VARIABLE}
    with tempfile.TemporaryDirectory(prefix="k") as scratch:  # a short path: a socket's limit
        environment["TMPDIR"] = scratch
        result = subprocess.run(
            [sys.executable, "-c", STARTS_A_KERNEL],
            env=environment, cwd=scratch, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr[-3000:]
        report = json.loads(result.stdout.strip().splitlines()[-1])
        assert report["chosen"] is True
        connection = report["connection"]
        assert connection["transport"] == "ipc"
        folder = Path(connection["ip"]).parent
        assert folder.parent.resolve() == Path(scratch).resolve()
        assert folder.name.startswith("bendlines-kernel-")
        assert not folder.exists(), "the sockets' folder outlived its kernel"
        assert os.listdir(scratch) == []  # and nothing was written beside it


def test_a_provisioner_named_in_the_environment_is_kept():
    chosen_elsewhere = {kernel_sockets.DEFAULT_VARIABLE: "local-provisioner"}
    assert kernel_sockets.use_unix_sockets(chosen_elsewhere) is False
    assert chosen_elsewhere == {kernel_sockets.DEFAULT_VARIABLE: "local-provisioner"}
    unset: dict[str, str] = {}
    assert kernel_sockets.use_unix_sockets(unset) is True
    assert unset == {kernel_sockets.DEFAULT_VARIABLE: kernel_sockets.PROVISIONER}


def test_a_folder_too_deep_for_a_socket_path_falls_back_to_tcp_ports():
    assert kernel_sockets.socket_prefix("/tmp/short") == "/tmp/short/kernel"
    deep = "/tmp/" + "d" * kernel_sockets.LONGEST_PREFIX
    assert kernel_sockets.socket_prefix(deep) is None


def test_reading_the_book_configuration_chooses_unix_sockets_for_the_chapters_kernels():
    environment = {k: v for k, v in os.environ.items() if k != kernel_sockets.DEFAULT_VARIABLE}
    reads_conf = (
        "import os, runpy; runpy.run_path('book/conf.py'); "
        f"print(os.environ.get('{kernel_sockets.DEFAULT_VARIABLE}'))"
    )
    result = subprocess.run(
        [sys.executable, "-c", reads_conf], cwd=ROOT, env=environment,
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.split() == [kernel_sockets.PROVISIONER]
