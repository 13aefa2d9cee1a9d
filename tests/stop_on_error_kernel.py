"""The browser test's kernel: ipykernel's own, with ``stop_on_error_timeout`` honoured again.

JupyterLab's Run All sends every cell's execute request at once and relies on the kernel to abort those queued
behind a cell that errs. ipykernel 7 ends that abort with a "stop aborting" message posted behind the requests its
shell-channel thread has read so far (``Kernel._abort_queues``), and no longer waits ``stop_on_error_timeout``: on
a loaded 2-core runner the frontend's later requests are still in the socket then, and run (the wrong-secret test
saw a refused session's later cells add their own boxes). This class posts the same message only after
``stop_on_error_timeout`` (its documented meaning: how long to wait for requests to arrive when aborting), which is
what ipykernel does without a shell-channel thread. Nothing else about the kernel changes: cells run in ipykernel's
own IPythonKernel, so what the test sees is what a person's JupyterLab shows.
"""

from __future__ import annotations

from typing import Any

from ipykernel.ipkernel import IPythonKernel


class StopOnErrorTimeoutKernel(IPythonKernel):
    """ipykernel's kernel; an abort ends ``stop_on_error_timeout`` seconds after the error, not at once."""

    def _abort_queues(self, subshell_id: str | None = None) -> Any:
        thread = self.shell_channel_thread
        wait = float(self.stop_on_error_timeout)
        if thread is None or wait <= 0:
            return super()._abort_queues(subshell_id)
        if subshell_id is None:
            self._aborting = True
        else:
            thread.manager.set_subshell_aborting(subshell_id, True)
        self.log.info("Aborting queue for %s s", wait)
        loop = thread.io_loop
        # add_callback is the thread-safe way onto the shell-channel thread's loop; call_later is not
        loop.add_callback(lambda: loop.call_later(wait, self._post_dummy_stop_aborting_message, subshell_id))
        return None
