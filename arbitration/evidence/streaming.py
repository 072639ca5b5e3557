"""Read a multipart/form-data request body as a stream of fields and files (no temp files, no buffering
of file contents): fields are collected, each file's bytes are handed on chunk by chunk."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from werkzeug.sansio.multipart import Data, Epilogue, Field, File, MultipartDecoder, NeedData, Preamble

from arbitration.errors import InvalidInput

READ_SIZE = 256 * 1024  # small reads keep the decoder's buffer (and the worker's memory) small
MAX_FIELD_BYTES = 64 * 1024


class Interrupted(InvalidInput):
    def __init__(self) -> None:
        super().__init__(_l("The upload was interrupted before the end. Nothing was saved; please upload again."))


@dataclass
class FilePart:
    name: str
    filename: str
    chunks: Iterator[bytes]


def parts(stream, boundary: bytes, max_parts: int = 50) -> Iterator[tuple[str, str] | FilePart]:
    """Yield (name, value) for fields and FilePart for files, in body order. A FilePart's chunks must be
    consumed (or abandoned, which ends the iteration) before asking for the next part."""
    # (werkzeug's max_form_memory_size would bound the whole read buffer; fields are bounded below instead)
    decoder = MultipartDecoder(boundary, max_parts=max_parts)

    def events():
        ended = False
        while True:
            try:
                event = decoder.next_event()
            except ValueError as exc:  # malformed body
                raise Interrupted() from exc
            if isinstance(event, NeedData):
                if ended:  # the body stopped before its closing boundary
                    raise Interrupted()
                chunk = stream.read(READ_SIZE)
                if chunk:
                    decoder.receive_data(chunk)
                else:
                    decoder.receive_data(None)
                    ended = True
                continue
            if isinstance(event, Epilogue):
                return
            yield event

    stream_events = events()
    for event in stream_events:
        if isinstance(event, Preamble):
            continue
        if isinstance(event, File):
            yield FilePart(event.name, event.filename or "", _file_data(stream_events))
        elif isinstance(event, Field):
            value = bytearray()
            for data in stream_events:
                value += data.data
                if len(value) > MAX_FIELD_BYTES:
                    raise InvalidInput(_l("A form field is too long."))
                if not data.more_data:
                    break
            yield event.name, value.decode("utf-8", "replace")


def _file_data(events) -> Iterator[bytes]:
    for event in events:
        if not isinstance(event, Data):
            raise Interrupted()
        if event.data:
            yield event.data
        if not event.more_data:
            return
    raise Interrupted()
