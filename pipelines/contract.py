"""The input contract of ../shared/spec/exports.md, as data: one place for every header.

Each column has its canonical name, the Vietnamese header a steward sees, the DVCQG field name
where the contract gives one, and a type that staging SQL parses it to.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    name: str  # canonical snake_case, as in the warehouse
    header: str  # Vietnamese header
    kind: str  # code | text | timestamp | date | int | number | money | flag | status
    required: bool = False
    dvcqg: str | None = None  # DVCQG sync-schema field name


@dataclass(frozen=True)
class ExportFile:
    kind: str  # ho_so, thanh_toan, ...
    monthly: bool
    columns: tuple[Column, ...]
    optional: bool = False  # an inbox without it is complete

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]


C = Column
FILES: dict[str, ExportFile] = {
    f.kind: f
    for f in [
        ExportFile("ho_so", True, (
            C("ma_ho_so", "Mã hồ sơ", "code", True, "MaHoSo"),
            C("ma_tthc", "Mã TTHC", "code", True, "MaTTHC"),
            C("ten_tthc", "Tên TTHC", "text", False, "TenTTHC"),
            C("ma_linh_vuc", "Mã lĩnh vực", "code", False, "MaLinhVuc"),
            C("ten_linh_vuc", "Tên lĩnh vực", "text", False, "TenLinhVuc"),
            C("ma_don_vi", "Mã đơn vị", "code", True, "DonViXuLy"),
            C("kenh", "Kênh thực hiện", "int", True, "KenhThucHien"),
            C("toan_trinh", "Toàn trình", "flag", False, "ToanTrinh"),
            C("ngay_nop", "Ngày nộp", "timestamp", False, "NgayNopHoSo"),
            C("ngay_tiep_nhan", "Ngày tiếp nhận", "timestamp", False, "NgayTiepNhan"),
            C("ngay_hen_tra", "Ngày hẹn trả", "timestamp", False, "NgayHenTra"),
            C("ngay_ket_thuc", "Ngày kết thúc xử lý", "timestamp", False, "NgayKetThucXuLy"),
            C("ngay_tra", "Ngày trả kết quả", "timestamp", False, "NgayTra"),
            C("trang_thai", "Trạng thái", "status", True, "TrangThaiHoSo"),  # 1–10 or the DVCQG string code
            C("so_lan_bo_sung", "Số lần yêu cầu bổ sung", "int"),
            C("ngay_yeu_cau_bo_sung", "Ngày yêu cầu bổ sung", "timestamp"),
            C("ngay_hoan_thanh_bo_sung", "Ngày hoàn thành bổ sung", "timestamp"),
            C("gio_bo_sung", "Số giờ bổ sung", "number"),
            C("co_phieu_xin_loi", "Phiếu xin lỗi", "flag"),
            C("ngay_hen_tra_moi", "Ngày hẹn trả mới", "timestamp"),
            C("danh_gia", "Đánh giá", "text"),
            C("loai_doi_tuong", "Loại đối tượng", "int", False, "LoaiDoiTuong"),
            # Not required: DVCQG has no such field (exports.md); without it the later row in a file wins.
            C("ngay_cap_nhat", "Ngày cập nhật", "timestamp"),
        )),
        ExportFile("thanh_toan", True, (
            C("ma_giao_dich", "Mã giao dịch", "code", True),
            C("ma_ho_so", "Mã hồ sơ", "code", True),
            C("so_tien", "Số tiền", "money"),  # not required (exports.md): a failed payment may have none
            C("hinh_thuc", "Hình thức thanh toán", "text"),
            C("nen_tang", "Nền tảng thanh toán", "text"),
            C("trang_thai", "Trạng thái", "text"),
            C("thoi_diem", "Thời điểm thanh toán", "timestamp", True),
        )),
        ExportFile("so_hoa", True, (
            C("ma_ho_so", "Mã hồ sơ", "code", True),
            C("ma_giay_to", "Mã giấy tờ", "code", True),
            C("loai", "Loại", "text"),
            C("da_so_hoa", "Đã số hóa", "flag"),
            C("ket_qua_dien_tu", "Kết quả điện tử", "flag"),
            C("tai_su_dung", "Tái sử dụng", "flag"),
            C("tu_kho_dvcqg", "Lấy từ kho DVCQG", "flag"),
            C("ngay_so_hoa", "Ngày số hóa", "timestamp"),
        )),
        ExportFile("danh_muc_tthc", False, (
            C("ma_tthc", "Mã TTHC", "code", True),
            C("ten_tthc", "Tên TTHC", "text", True),
            C("ma_linh_vuc", "Mã lĩnh vực", "code"),
            C("ten_linh_vuc", "Tên lĩnh vực", "text"),
            C("cap_thuc_hien", "Cấp thực hiện", "text"),
            C("ma_don_vi_thuc_hien", "Mã đơn vị thực hiện", "code"),
            C("muc_do_dvctt", "Mức độ DVCTT", "text"),
            C("co_phi", "Có nghĩa vụ tài chính", "flag"),
            C("tich_hop_tt_dvcqg", "Tích hợp thanh toán DVCQG", "flag"),
            C("thoi_han", "Thời hạn giải quyết", "number"),
            C("don_vi_thoi_han", "Đơn vị thời hạn", "text"),
        )),
        ExportFile("don_vi", False, (
            C("ma_don_vi", "Mã đơn vị", "code", True),
            C("ten_don_vi", "Tên đơn vị", "text", True),
            C("cap", "Cấp", "text"),
            C("ma_don_vi_cha", "Mã đơn vị cha", "code"),
            C("hieu_luc_tu", "Hiệu lực từ", "date"),
            C("hieu_luc_den", "Hiệu lực đến", "date"),
            C("ma_don_vi_ke_thua", "Mã đơn vị kế thừa", "code"),
        )),
        # Not an export: the steward's values for the plans' targets no export measures
        # (warehouse/seeds/reported_indicators.csv); `cchc template` writes the form.
        ExportFile("chi_so_bao_cao", False, (
            C("ky", "Kỳ", "text", True),
            C("ma_don_vi", "Mã đơn vị", "code", True),
            C("ma_chi_so", "Mã chỉ số", "code", True),
            C("gia_tri", "Giá trị", "number", True),
            C("ghi_chu", "Ghi chú", "text"),
        ), optional=True),
    ]
}

# Appointments: they may lie in the future. Every other timestamp of an export records something
# that happened, so it must fall between a plausible oldest day and the day the file is read
# (expectations: date_too_old, date_in_future).
DUE_DATES = frozenset({"ngay_hen_tra", "ngay_hen_tra_moi"})


def event_dates(kind: str) -> list[str]:
    """The timestamps of a file kind that record an event: all but the due dates."""
    return [c.name for c in FILES[kind].columns if c.kind == "timestamp" and c.name not in DUE_DATES]


MONTHLY_KINDS = [k for k, f in FILES.items() if f.monthly]
REFERENCE_KINDS = [k for k, f in FILES.items() if not f.monthly]
_MONTHLY, _REFERENCE = "|".join(MONTHLY_KINDS), "|".join(REFERENCE_KINDS)

FILE_NAME = re.compile(
    rf"^(?P<kind>{_MONTHLY})_(?P<period>\d{{4}}-(?:0[1-9]|1[0-2]))\.(?P<ext>csv|xlsx)$"
    rf"|^(?P<ref>{_REFERENCE})\.(?P<ref_ext>csv|xlsx)$",
    re.IGNORECASE,
)

# A monthly name with an impossible month (ho_so_2025-13.csv): told to the steward, not ignored.
BAD_PERIOD_NAME = re.compile(rf"^({_MONTHLY})_\d{{4}}-\d{{2}}\.(csv|xlsx)$", re.IGNORECASE)

# The type staging parses each kind of column to (warehouse/staging/*.sql, the `<kind>_parsed`
# views); tests/test_contract.py holds the views to it.
SQL_TYPES = {"code": "VARCHAR", "text": "VARCHAR", "timestamp": "TIMESTAMP", "date": "DATE", "int": "INTEGER",
             "status": "INTEGER", "number": "DOUBLE", "money": "BIGINT", "flag": "BOOLEAN"}


def header_key(text: str) -> str:
    """How headers are compared: NFC, case-folded, inner white space folded."""
    return " ".join(unicodedata.normalize("NFC", str(text)).casefold().split())


def header_aliases(kind: str, mapping: dict[str, str] | None = None) -> dict[str, str]:
    """Every accepted header of a file kind → canonical name (both profiles and the mapping file)."""
    aliases: dict[str, str] = {}
    for col in FILES[kind].columns:
        for alias in (col.name, col.header, col.dvcqg):
            if alias:
                aliases[header_key(alias)] = col.name
    for source, canonical in (mapping or {}).items():
        aliases[header_key(source)] = canonical
    return aliases
