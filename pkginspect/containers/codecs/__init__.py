"""Cabinet folder codecs, one per compression method, behind one interface (``base.Codec``)."""

from pkginspect.containers import cabformat as fmt
from pkginspect.containers.cabformat import CabFolder
from pkginspect.containers.codecs import lzx, mszip
from pkginspect.containers.codecs.base import Codec
from pkginspect.errors import UnsupportedContainerError

CODECS: dict[int, Codec] = {fmt.COMP_NONE: mszip.decode, fmt.COMP_MSZIP: mszip.decode, fmt.COMP_LZX: lzx.decode}


def codec_for(folder: CabFolder, where: str) -> Codec:
    """The codec of a folder's compression method; Quantum and unknown methods are not supported."""
    codec = CODECS.get(folder.method)
    if codec is not None:
        return codec
    if folder.method == fmt.COMP_QUANTUM:
        raise UnsupportedContainerError(where, f"unsupported compression {folder.compression} (Quantum)")
    raise UnsupportedContainerError(where, f"unsupported compression type {folder.type_compress:#06x}")
