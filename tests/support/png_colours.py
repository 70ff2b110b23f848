#!/usr/bin/env python3
"""Usage: png_colours.py IMAGE.png [RRGGBB ...]

Prints one JSON object about the PNG: its "width" and "height", how many distinct "colours" its
pixels have, and in "pixels" how many pixels have each RRGGBB colour given (alpha ignored).
Only the standard library (zlib, struct): 8-bit greyscale, grey+alpha, RGB and RGBA images that
are not interlaced, as Chromium's screenshots are. Exits 1 with a message for anything else.
"""
import json
import struct
import sys
import zlib

SIGNATURE = b"\x89PNG\r\n\x1a\n"
CHANNELS = {0: 1, 2: 3, 4: 2, 6: 4}  # PNG colour type -> bytes per pixel at depth 8


def chunks(data):
    """Yields (type, body) of each chunk after the signature."""
    at = len(SIGNATURE)
    while at + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[at:at + 8])
        yield kind, data[at + 8:at + 8 + length]
        at += 12 + length


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def unfilter(kind, line, previous, bpp):
    """Undoes PNG filter `kind` on `line` (a bytearray) in place, given the row above."""
    if kind == 1:
        for i in range(bpp, len(line)):
            line[i] = (line[i] + line[i - bpp]) & 0xFF
    elif kind == 2:
        for i in range(len(line)):
            line[i] = (line[i] + previous[i]) & 0xFF
    elif kind == 3:
        for i in range(len(line)):
            left = line[i - bpp] if i >= bpp else 0
            line[i] = (line[i] + ((left + previous[i]) >> 1)) & 0xFF
    elif kind == 4:
        for i in range(len(line)):
            left = line[i - bpp] if i >= bpp else 0
            upper_left = previous[i - bpp] if i >= bpp else 0
            line[i] = (line[i] + paeth(left, previous[i], upper_left)) & 0xFF
    elif kind != 0:
        raise ValueError(f"unknown filter type {kind}")


def pixels_rgb(path):
    """Returns (width, height, rows) with each row a list of (r, g, b) tuples."""
    with open(path, "rb") as f:
        data = f.read()
    if not data.startswith(SIGNATURE):
        raise ValueError("not a PNG file")
    header, compressed = None, []
    for kind, body in chunks(data):
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            compressed.append(body)
    if header is None:
        raise ValueError("no IHDR chunk")
    width, height, depth, colour_type, _, _, interlace = header
    bpp = CHANNELS.get(colour_type)
    if depth != 8 or bpp is None or interlace != 0:
        raise ValueError(f"unsupported PNG: depth {depth}, colour type {colour_type}, "
                         f"interlace {interlace}")
    raw = zlib.decompress(b"".join(compressed))
    stride = width * bpp
    if len(raw) != height * (stride + 1):
        raise ValueError("the image data does not match the header's size")
    rows, previous = [], bytearray(stride)
    for y in range(height):
        at = y * (stride + 1)
        line = bytearray(raw[at + 1:at + 1 + stride])
        unfilter(raw[at], line, previous, bpp)
        if bpp <= 2:
            rows.append([(g, g, g) for g in line[::bpp]])
        else:
            rows.append(list(zip(line[0::bpp], line[1::bpp], line[2::bpp])))
        previous = line
    return width, height, rows


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        width, height, rows = pixels_rgb(argv[1])
    except (OSError, ValueError, zlib.error, struct.error) as e:
        print(f"png_colours.py: {argv[1]}: {e}", file=sys.stderr)
        return 1
    wanted = {tuple(bytes.fromhex(c)): c.lower() for c in argv[2:]}
    counts = {c.lower(): 0 for c in argv[2:]}
    colours = set()
    for row in rows:
        colours.update(row)
        for pixel in row:
            name = wanted.get(pixel)
            if name is not None:
                counts[name] += 1
    print(json.dumps({"width": width, "height": height, "colours": len(colours),
                      "pixels": counts}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
