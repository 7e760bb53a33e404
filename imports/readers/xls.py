"""xls: xlrd reads the whole sheet (BIFF caps it at 65,536 × 256 and the upload limit at 20 MB);
ragged rows keep a row as long as its last cell instead of padding every row to the widest."""

from imports.readers.rows import Rows


def xls_rows(content: bytes, rows: Rows) -> None:
    import xlrd

    book = xlrd.open_workbook(file_contents=content, on_demand=True, ragged_rows=True)
    try:
        sheet = book.sheet_by_index(0)
        for index in range(sheet.nrows):
            types = sheet.row_types(index)
            if not len(types):
                continue
            cells = []
            for kind, value in zip(types, sheet.row_values(index), strict=True):
                if kind == xlrd.XL_CELL_DATE:
                    cells.append(xlrd.xldate.xldate_as_datetime(value, book.datemode))
                elif kind == xlrd.XL_CELL_EMPTY:
                    cells.append(None)
                else:
                    cells.append(value)
            rows.add(index + 1, cells)
    finally:
        book.release_resources()
