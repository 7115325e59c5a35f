"""The ctypes binding to wimlib (``libwim.so.15``): loading it, its structures and constants, its error text.

Only what ``wim.py`` calls is declared; the structures mirror ``wimlib.h``.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os

from pkginspect.errors import CorruptContainerError, NativeLibraryError, PkgInspectError, UnsupportedContainerError

INSTALL_HINT = "install wimlib (Debian/Ubuntu: apt-get install libwim15)"
ITERATE_RECURSIVE = 0x1
EXTRACT_NO_ACLS = 0x40
EXTRACT_NO_ATTRIBUTES = 0x00100000
EXTRACT_NO_PRESERVE_DIR_STRUCTURE = 0x00200000
COMPRESSION_NAMES = {0: "none", 1: "xpress", 2: "lzx", 3: "lzms"}
# wimlib error codes that mean "valid WIM, feature not supported" rather than "damaged file".
UNSUPPORTED_CODES = {33: "split WIM", 62: "split WIM", 68: "unsupported", 74: "encrypted WIM", 84: "incomplete WIM"}


class Timespec(ctypes.Structure):
    """struct timespec of a directory entry's times."""

    _fields_ = (("tv_sec", ctypes.c_long), ("tv_nsec", ctypes.c_long))


class _ResourceEntry(ctypes.Structure):
    _fields_ = (
        ("uncompressed_size", ctypes.c_uint64),
        ("compressed_size", ctypes.c_uint64),
        ("offset", ctypes.c_uint64),
        ("sha1_hash", ctypes.c_uint8 * 20),
        ("part_number", ctypes.c_uint32),
        ("reference_count", ctypes.c_uint32),
        ("is_compressed", ctypes.c_uint32, 1),
        ("is_metadata", ctypes.c_uint32, 1),
        ("is_free", ctypes.c_uint32, 1),
        ("is_spanned", ctypes.c_uint32, 1),
        ("is_missing", ctypes.c_uint32, 1),
        ("packed", ctypes.c_uint32, 1),
        ("reserved_flags", ctypes.c_uint32, 26),
        ("raw_resource_offset_in_wim", ctypes.c_uint64),
        ("raw_resource_compressed_size", ctypes.c_uint64),
        ("raw_resource_uncompressed_size", ctypes.c_uint64),
        ("reserved", ctypes.c_uint64 * 1),
    )


class _StreamEntry(ctypes.Structure):
    _fields_ = (("stream_name", ctypes.c_char_p), ("resource", _ResourceEntry), ("reserved", ctypes.c_uint64 * 4))


class DirEntry(ctypes.Structure):
    """struct wimlib_dir_entry: one file or directory, as the tree iterator reports it."""

    _fields_ = (
        ("filename", ctypes.c_char_p),
        ("dos_name", ctypes.c_char_p),
        ("full_path", ctypes.c_char_p),
        ("depth", ctypes.c_size_t),
        ("security_descriptor", ctypes.c_void_p),
        ("security_descriptor_size", ctypes.c_size_t),
        ("attributes", ctypes.c_uint32),
        ("reparse_tag", ctypes.c_uint32),
        ("num_links", ctypes.c_uint32),
        ("num_named_streams", ctypes.c_uint32),
        ("hard_link_group_id", ctypes.c_uint64),
        ("creation_time", Timespec),
        ("last_write_time", Timespec),
        ("last_access_time", Timespec),
        ("unix_uid", ctypes.c_uint32),
        ("unix_gid", ctypes.c_uint32),
        ("unix_mode", ctypes.c_uint32),
        ("unix_rdev", ctypes.c_uint32),
        ("object_id", ctypes.c_uint8 * 64),
        ("creation_time_high", ctypes.c_int32),
        ("last_write_time_high", ctypes.c_int32),
        ("last_access_time_high", ctypes.c_int32),
        ("reserved2", ctypes.c_int32),
        ("reserved", ctypes.c_uint64 * 4),
        ("streams", _StreamEntry * 1),  # variable length; the first is the unnamed data stream
    )


class WimInfo(ctypes.Structure):
    """struct wimlib_wim_info: the WIM header's facts."""

    _fields_ = (
        ("guid", ctypes.c_uint8 * 16),
        ("image_count", ctypes.c_uint32),
        ("boot_index", ctypes.c_uint32),
        ("wim_version", ctypes.c_uint32),
        ("chunk_size", ctypes.c_uint32),
        ("part_number", ctypes.c_uint16),
        ("total_parts", ctypes.c_uint16),
        ("compression_type", ctypes.c_int32),
        ("total_bytes", ctypes.c_uint64),
        ("flags", ctypes.c_uint32),
        ("reserved", ctypes.c_uint32 * 9),
    )


ITERATE_CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(DirEntry), ctypes.c_void_p)
_VP, _CP, _CI = ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int
_FUNCTIONS: dict[str, tuple[list[type[ctypes._CData]], type[ctypes._CData] | None]] = {
    "wimlib_open_wim": ([_CP, _CI, ctypes.POINTER(_VP)], _CI),
    "wimlib_free": ([_VP], None),
    "wimlib_get_wim_info": ([_VP, ctypes.POINTER(WimInfo)], _CI),
    "wimlib_iterate_dir_tree": ([_VP, _CI, _CP, _CI, ITERATE_CALLBACK, _VP], _CI),
    "wimlib_extract_paths": ([_VP, _CI, _CP, ctypes.POINTER(_CP), ctypes.c_size_t, _CI], _CI),
    "wimlib_get_error_string": ([_CI], _CP),
    "wimlib_set_print_errors": ([ctypes.c_bool], None),
}
"""The functions used, with their argument and result types."""
_lib: ctypes.CDLL | None = None


def load(source: str) -> ctypes.CDLL:
    """Load ``libwim.so.15`` once, declaring the functions used; a missing library names the package."""
    global _lib
    if _lib is not None:
        return _lib
    candidates = [os.environ.get("PKGINSPECT_LIBWIM"), ctypes.util.find_library("wim"), "libwim.so.15"]
    for name in filter(None, candidates):
        try:
            lib = ctypes.CDLL(name)
            break
        except OSError:
            continue
    else:
        raise NativeLibraryError(source, f"reading WIM files needs wimlib, which was not found; {INSTALL_HINT}")
    for name, (argtypes, restype) in _FUNCTIONS.items():
        function = getattr(lib, name)
        function.argtypes, function.restype = argtypes, restype
    lib.wimlib_set_print_errors(False)
    _silence_libxml2()
    _lib = lib
    return lib


_XML_ERROR_HANDLER = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_char_p)
_quiet_handler = _XML_ERROR_HANDLER(lambda _context, _message: None)


def _silence_libxml2() -> None:
    """Stop the system libxml2 (wimlib < 1.14 parses a WIM's XML with it) printing parser errors on stderr.

    wimlib reports a bad XML resource as an error code, which becomes our one-line error; libxml2 would
    also print the offending lines. lxml carries its own libxml2, so this touches only wimlib's.
    """
    name = ctypes.util.find_library("xml2")
    if not name:
        return
    try:
        libxml2 = ctypes.CDLL(name)
        for setter in ("xmlSetGenericErrorFunc", "xmlThrDefSetGenericErrorFunc"):
            function = getattr(libxml2, setter)
            function.argtypes = [ctypes.c_void_p, _XML_ERROR_HANDLER]
            function.restype = None
            function(None, _quiet_handler)
    except (OSError, AttributeError):
        return


def error(lib: ctypes.CDLL, source: str, code: int, doing: str) -> PkgInspectError:
    """The error for a wimlib error code: valid but unsupported (split, encrypted…) or corrupt."""
    text = (lib.wimlib_get_error_string(code) or b"unknown error").decode("utf-8", "replace")
    if code in UNSUPPORTED_CODES:
        return UnsupportedContainerError(source, f"{doing}: {UNSUPPORTED_CODES[code]} not supported ({text})")
    return CorruptContainerError(source, f"{doing}: {text} (wimlib error {code})")
