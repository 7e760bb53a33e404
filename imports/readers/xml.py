"""XML parts of a zipped spreadsheet, read safely and forgotten as they are read."""

import zipfile

# lxml without entity expansion, network or DTDs; huge_tree=False caps a text node at 10 MB.
SAFE_XML = {"resolve_entities": False, "no_network": True, "load_dtd": False, "huge_tree": False}


def mimetype(archive: zipfile.ZipFile) -> str:
    try:
        with archive.open("mimetype") as stream:
            return stream.read(200).decode("ascii", "replace")
    except KeyError:
        return ""


def drop_read(element) -> None:
    """Free an element that has been read, and its earlier siblings, so a long part costs no memory."""
    element.clear(keep_tail=False)
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]


def xml_ends(archive: zipfile.ZipFile, name: str):
    """The elements of an XML part as each one ends (its attributes are there; its children gone)."""
    from lxml import etree

    with archive.open(name) as source:
        for _event, element in etree.iterparse(source, events=("end",), **SAFE_XML):
            yield element
            drop_read(element)


# xlsx: the worksheet streamed cell by cell with openpyxl's own cell parser; shared strings read after
# it, and only those the kept cells use.


def xml_events(archive: zipfile.ZipFile, name: str):
    """(event, element) as each element of an XML part starts and ends; the caller frees what it has read."""
    from lxml import etree

    with archive.open(name) as source:
        yield from etree.iterparse(source, events=("start", "end"), **SAFE_XML)
