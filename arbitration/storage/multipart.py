"""Cutting a stream into S3 parts sent on a few threads, in a fixed number of reused buffers."""
from __future__ import annotations

import base64
import hashlib
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor, wait
from typing import Callable

SendPart = Callable[[int, bytearray], dict]  # (part number, body) -> {"ETag": ..., and any part checksum}


def content_md5(body) -> str:
    return base64.b64encode(hashlib.md5(body, usedforsecurity=False).digest()).decode()


class PartWriter:
    """Fills part-size buffers and sends each full one on a thread, at most `depth` in flight.

    Memory is (depth + 1) buffers whatever the file size: `write` blocks while `depth` parts are on their way,
    and a sent buffer is reused. The multipart upload is opened (`open_upload`) only when a second part
    turns out to be needed; until then `started` is False and `single_body()` is the whole object.
    """

    def __init__(self, part_size: int, depth: int, open_upload: Callable[[], SendPart]) -> None:
        self.part_size = part_size
        self._depth = depth
        self._open_upload = open_upload
        self._send: SendPart | None = None
        self._pool: ThreadPoolExecutor | None = None
        self._buffer = bytearray()  # the first one grows: a small file never costs a whole part
        self._filled = 0
        self._spare: list[bytearray] = []
        self._in_flight: deque[tuple[int, bytearray, Future]] = deque()
        self._parts: list[dict] = []
        self._number = 0

    @property
    def started(self) -> bool:
        return self._send is not None

    def write(self, chunk: bytes) -> None:
        view = memoryview(chunk)
        while view:
            if self._filled == self.part_size:  # full, and more is coming: it is not the last part
                self._ship()
            n = min(len(view), self.part_size - self._filled)
            if self._filled == len(self._buffer):
                self._buffer += view[:n]
            else:
                self._buffer[self._filled:self._filled + n] = view[:n]
            self._filled += n
            view = view[n:]

    def single_body(self) -> bytearray:
        """The whole object, when it fit in one part (no upload was opened)."""
        assert not self.started
        del self._buffer[self._filled:]
        return self._buffer

    def finish(self) -> list[dict]:
        """Send the last part, wait for all; the parts in order, for CompleteMultipartUpload."""
        del self._buffer[self._filled:]
        self._ship(reuse=False)
        while self._in_flight:
            self._collect_oldest()
        self.close()
        return self._parts

    def close(self) -> None:
        """Cancel what has not started and wait for what has: no part may land after the upload is aborted."""
        for _number, _buffer, future in self._in_flight:
            future.cancel()
        wait([future for _number, _buffer, future in self._in_flight])
        self._in_flight.clear()
        if self._pool is not None:
            self._pool.shutdown(wait=True)

    def _ship(self, reuse: bool = True) -> None:
        if self._send is None:
            self._send = self._open_upload()
            self._pool = ThreadPoolExecutor(max_workers=self._depth, thread_name_prefix="s3-part")
        while len(self._in_flight) >= self._depth:
            self._collect_oldest()
        self._number += 1
        self._in_flight.append((self._number, self._buffer, self._pool.submit(self._send, self._number, self._buffer)))
        if reuse:
            self._buffer = self._spare.pop() if self._spare else bytearray(self.part_size)
            self._filled = 0

    def _collect_oldest(self) -> None:
        number, buffer, future = self._in_flight.popleft()
        self._parts.append({"PartNumber": number, **future.result()})  # a failed part raises here
        if len(buffer) == self.part_size:
            self._spare.append(buffer)
