"""The one way an image file becomes a frame: decoded to BGR uint8, as the camera delivers.

Training, evaluation, image-folder replay and the dataset viewer all read through
`read_image`, so a model sees at run time exactly the pixels it was trained on. Before
decoding, the size a PNG or JPEG header states is checked against MAX_IMAGE_PIXELS: a small
file can claim an image that would take gigabytes to decode (a decompression bomb);
`image_problem` says why a file is unusable, for the dataset loader, without decoding it.
"""

from __future__ import annotations

import io
import os
import struct
from typing import BinaryIO

import numpy as np

MAX_IMAGE_SIDE = 8000
MAX_IMAGE_PIXELS = MAX_IMAGE_SIDE * MAX_IMAGE_SIDE
MAGIC = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")  # JPEG SOI + marker, PNG signature

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# Start-of-frame markers, which carry the image size: every SOFn but DHT (C4), JPG (C8), DAC (CC).
_JPEG_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}
# Markers without a length: TEM, RST0-7 (SOI and EOI are handled on their own).
_JPEG_STANDALONE = {0x01, *range(0xD0, 0xD8)}


def header_size(handle: BinaryIO) -> tuple[int, int] | None:
    """(width, height) from a PNG's IHDR or a JPEG's start-of-frame, reading only the header;
    None when the file is neither or its header does not say."""
    head = handle.read(8)
    if head == _PNG_SIGNATURE:
        chunk = handle.read(16)  # length, "IHDR", width, height
        if len(chunk) == 16 and chunk[4:8] == b"IHDR":
            width, height = struct.unpack(">II", chunk[8:16])
            return width, height
        return None
    if not head.startswith(b"\xff\xd8"):
        return None
    handle.seek(2)
    while True:
        byte = handle.read(1)
        if not byte:
            return None
        if byte != b"\xff":
            continue  # not at a marker: a damaged file; look for the next one
        marker = handle.read(1)
        while marker == b"\xff":  # fill bytes before a marker
            marker = handle.read(1)
        if not marker:
            return None
        code = marker[0]
        if code in _JPEG_STANDALONE or code == 0x00:
            continue
        if code in (0xD9, 0xDA):  # end of image, or the scan began without a frame header
            return None
        length_bytes = handle.read(2)
        if len(length_bytes) < 2:
            return None
        (length,) = struct.unpack(">H", length_bytes)
        if code in _JPEG_SOF:
            frame = handle.read(5)  # precision, height, width
            if len(frame) < 5:
                return None
            height, width = struct.unpack(">HH", frame[1:5])
            return (width, height) if height else None  # 0: the height comes later (DNL)
        if length < 2:
            return None
        handle.seek(length - 2, io.SEEK_CUR)


def size_problem(size: tuple[int, int] | None) -> str | None:
    """Why an image of `size` (width, height) is too large to decode, or None."""
    if size is None or size[0] * size[1] <= MAX_IMAGE_PIXELS:
        return None
    return (
        f"image is {size[0]} x {size[1]} pixels, more than the "
        f"{MAX_IMAGE_SIDE} x {MAX_IMAGE_SIDE} this program decodes"
    )


def decode_image(data: bytes | np.ndarray) -> np.ndarray | None:
    """Encoded bytes (PNG, JPEG, ...) -> H x W x 3 BGR uint8, or None when they are not an image
    or claim more than MAX_IMAGE_PIXELS."""
    import cv2  # here, not at the top: `dataset info` checks headers without OpenCV

    buffer = np.frombuffer(data, np.uint8) if isinstance(data, bytes) else data
    if buffer.size == 0:
        return None
    if size_problem(header_size(io.BytesIO(buffer))):
        return None
    try:
        return cv2.imdecode(buffer, cv2.IMREAD_COLOR)
    except cv2.error:
        return None


def read_image(path: str | os.PathLike[str]) -> np.ndarray | None:
    """The image at `path` as BGR uint8, or None when it is missing, unreadable, not an image
    or too large to decode.

    np.fromfile + imdecode rather than imread: it also handles non-ASCII paths on Windows.
    """
    try:
        data = np.fromfile(path, dtype=np.uint8)
    except OSError:
        return None
    return decode_image(data)


def image_problem(path: str | os.PathLike[str], decode: bool = False) -> str | None:
    """Why an image file is unusable, or None. Cheap by default: it exists, looks like a JPEG
    or PNG from its first bytes and its header claims no more than MAX_IMAGE_PIXELS;
    `decode=True` decodes it fully (slow for big sets)."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(8)
            handle.seek(0)
            size = header_size(handle)
            handle.seek(0)
            data = handle.read() if decode else b""
    except FileNotFoundError:
        return "image file is missing"
    except IsADirectoryError:
        return "image is a folder, not a file"
    except OSError as error:
        return f"image file cannot be read ({error.strerror or error})"
    if not head.startswith(MAGIC):
        return "image file is neither JPEG nor PNG" if head else "image file is empty"
    if reason := size_problem(size):
        return reason
    if decode and decode_image(data) is None:
        return "image file is damaged and cannot be decoded"
    return None
