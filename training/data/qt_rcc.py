"""Read files out of a Qt binary resource bundle (.rcc).

GCompris ships its activities' photos inside .rcc bundles and Debian has no
tool that unpacks them (Qt's `rcc` only builds them), so the extra clean set
(`training.data.extra_clean`) reads the format directly. Layout (Qt's
rcc.cpp, format versions 1–3): a 20-byte header `qres`, version, and the
offsets of the tree, data and names sections; the tree is an array of nodes
(14 bytes, 22 from version 2 on: name offset, flags, then either child count
and first child index for a directory or locale and data offset for a file);
a name is a 16-bit length, a 32-bit hash and UTF-16BE text; a file's data is a
32-bit length and the bytes, zlib-compressed (after a 4-byte size) when flag 1
is set."""
import struct
import zlib

COMPRESSED, DIRECTORY, ZSTD = 1, 2, 4


class RccError(ValueError):
    pass


def read_rcc(blob: bytes) -> dict[str, bytes]:
    """{path: bytes} of every file in the bundle (paths start with '/')."""
    if blob[:4] != b'qres' or len(blob) < 20:
        raise RccError('not a Qt resource bundle (no qres header)')
    version, tree, data, names = struct.unpack('>IIII', blob[4:20])
    if version not in (1, 2, 3):
        raise RccError(f'unsupported Qt resource format version {version}')
    node_size = 22 if version >= 2 else 14

    def name(offset: int) -> str:
        (length,) = struct.unpack_from('>H', blob, names + offset)
        start = names + offset + 6  # length, then a 32-bit hash
        return blob[start:start + 2 * length].decode('utf-16-be')

    files: dict[str, bytes] = {}
    stack = [(0, '')]
    seen = set()
    while stack:
        index, parent = stack.pop()
        if index in seen:
            raise RccError(f'node {index} is reached twice: a corrupt tree')
        seen.add(index)
        node = tree + index * node_size
        if node + 14 > len(blob):
            raise RccError(f'node {index} lies past the end of the bundle')
        name_offset, flags = struct.unpack_from('>IH', blob, node)
        path = parent + '/' + name(name_offset) if index else ''
        if flags & DIRECTORY:
            count, first = struct.unpack_from('>II', blob, node + 6)
            stack.extend((child, path) for child in range(first, first + count))
            continue
        (data_offset,) = struct.unpack_from('>I', blob, node + 10)
        (size,) = struct.unpack_from('>I', blob, data + data_offset)
        body = blob[data + data_offset + 4:data + data_offset + 4 + size]
        if flags & ZSTD:
            continue  # no zstd in the standard library; GCompris's bundles do not use it
        files[path] = zlib.decompress(body[4:]) if flags & COMPRESSED else body
    return files
