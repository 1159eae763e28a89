"""The sample province's units and procedure catalog.

Real: the province, its 11 districts (GSO codes), the departments and their merger of
1/3/2025, the 65 communes and wards of 1/7/2025 (communes_2025.csv, official codes).
Invented (and marked so in README.md): department codes, predecessor communes' names and
codes, which district each predecessor belonged to, procedure codes.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

MERGER_DEPARTMENTS = dt.date(2025, 3, 1)
MERGER_COMMUNES = dt.date(2025, 7, 1)
START = dt.date(2020, 1, 1)


@dataclass(frozen=True)
class Unit:
    ma_don_vi: str
    ten_don_vi: str
    cap: str
    ma_don_vi_cha: str | None
    hieu_luc_tu: dt.date
    hieu_luc_den: dt.date | None = None
    ma_don_vi_ke_thua: str | None = None
    weight: float = 1.0  # relative dossier volume


# H37: Lạng Sơn's code on the National Public Service Portal (DVCQG); dossier codes start with it.
PROVINCE = Unit("H37", "UBND tỉnh Lạng Sơn", "tinh", None, START)

# (code, name, weight, valid until, successor); codes are invented, names and mergers real.
_DEPARTMENTS = [
    ("H37.01", "Sở Tư pháp", 3.0, None, None),
    ("H37.02", "Sở Tài chính", 2.5, None, None),
    ("H37.03", "Sở Kế hoạch và Đầu tư", 2.5, MERGER_DEPARTMENTS, "H37.02"),
    ("H37.04", "Sở Xây dựng", 1.5, None, None),
    ("H37.05", "Sở Giao thông vận tải", 3.0, MERGER_DEPARTMENTS, "H37.04"),
    ("H37.06", "Sở Tài nguyên và Môi trường", 1.5, MERGER_DEPARTMENTS, "H37.20"),
    ("H37.07", "Sở Nông nghiệp và Phát triển nông thôn", 1.0, MERGER_DEPARTMENTS, "H37.20"),
    ("H37.08", "Sở Khoa học và Công nghệ", 0.4, None, None),
    ("H37.09", "Sở Thông tin và Truyền thông", 0.4, MERGER_DEPARTMENTS, "H37.08"),
    ("H37.10", "Sở Nội vụ", 0.6, None, None),
    ("H37.11", "Sở Lao động - Thương binh và Xã hội", 1.5, MERGER_DEPARTMENTS, "H37.10"),
    ("H37.12", "Sở Y tế", 1.5, None, None),
    ("H37.13", "Sở Giáo dục và Đào tạo", 0.8, None, None),
    ("H37.14", "Sở Công Thương", 1.2, None, None),
    ("H37.15", "Sở Văn hóa, Thể thao và Du lịch", 0.6, None, None),
    ("H37.16", "Sở Ngoại vụ", 0.3, None, None),
    ("H37.17", "Ban Dân tộc", 0.2, MERGER_DEPARTMENTS, "H37.21"),
    ("H37.18", "Ban Quản lý Khu kinh tế cửa khẩu Đồng Đăng - Lạng Sơn", 0.5, None, None),
    ("H37.20", "Sở Nông nghiệp và Môi trường", 2.5, None, None),
    ("H37.21", "Sở Dân tộc và Tôn giáo", 0.2, None, None),
]
_NEW_DEPARTMENTS = {"H37.20", "H37.21"}

# GSO district codes; all abolished on 1/7/2025.
DISTRICTS = [
    ("178", "Thành phố Lạng Sơn"), ("180", "Huyện Tràng Định"), ("181", "Huyện Bình Gia"),
    ("182", "Huyện Văn Lãng"), ("183", "Huyện Cao Lộc"), ("184", "Huyện Văn Quan"),
    ("185", "Huyện Bắc Sơn"), ("186", "Huyện Hữu Lũng"), ("187", "Huyện Chi Lăng"),
    ("188", "Huyện Lộc Bình"), ("189", "Huyện Đình Lập"),
]
# Lowest new-commune code of each district's range (approximate; invented where unsure).
_DISTRICT_FROM_CODE = [("05977", "178"), ("06001", "180"), ("06073", "181"), ("06124", "182"),
                       ("06184", "183"), ("06253", "184"), ("06325", "185"), ("06385", "186"),
                       ("06463", "187"), ("06517", "188"), ("06601", "189")]
_INVENTED_NAMES = ["Hồng Phong", "Tân Thành", "Quang Trung", "Hòa Bình", "Minh Khai", "Tân Lập",
                   "Thanh Sơn", "Hưng Đạo", "Đồng Tiến", "Xuân Long", "Bình Trung", "Vĩnh Lại",
                   "Hùng Việt", "Tân Yên", "Trung Thành", "Gia Cát", "Hải Yến", "Mai Pha"]


def communes_2025() -> list[tuple[str, str, str]]:
    with (Path(__file__).parent / "communes_2025.csv").open(encoding="utf-8") as f:
        return [(r["ma_dvhc"], r["ten_dvhc"], r["loai"]) for r in csv.DictReader(f)]


def units() -> list[Unit]:
    out = [PROVINCE]
    for code, name, weight, until, successor in _DEPARTMENTS:
        start = MERGER_DEPARTMENTS if code in _NEW_DEPARTMENTS else START
        end = until - dt.timedelta(days=1) if until else None
        out.append(Unit(code, name, "tinh", PROVINCE.ma_don_vi, start, end, successor, weight))
    last_day_districts = MERGER_COMMUNES - dt.timedelta(days=1)
    for code, name in DISTRICTS:
        out.append(Unit(code, f"UBND {name}", "huyen", PROVINCE.ma_don_vi, START, last_day_districts, None,
                        3.0 if code == "178" else 1.5))
    for i, (code, name, kind) in enumerate(communes_2025()):
        weight = 2.5 if kind == "phường" else 1.0
        out.append(Unit(code, f"UBND {name}", "xa", PROVINCE.ma_don_vi, MERGER_COMMUNES, None, None, weight))
        district = [d for lo, d in _DISTRICT_FROM_CODE if code >= lo][-1]
        prefix = "Phường" if kind == "phường" else "Xã"
        base = name.split(" ", 1)[1]
        for k in range(2 + i % 3):  # 2–4 predecessors; the first carries the new name
            old_name = base if k == 0 else _INVENTED_NAMES[(i * 3 + k) % len(_INVENTED_NAMES)]
            out.append(Unit(f"{code}.{k + 1}", f"UBND {prefix} {old_name} (cũ)", "xa", district, START,
                            last_day_districts, code, weight / (2 + i % 3) * 1.4))
    return out


def unit_valid(u: Unit, day: dt.date) -> bool:
    return u.hieu_luc_tu <= day and (u.hieu_luc_den is None or day <= u.hieu_luc_den)


# Catalog: (field code, field name, level, department for tinh, [(name, muc_do, co_phi, days)]).
# muc_do: t = toan_trinh, p = mot_phan, k = khong.
FIELDS = [
    ("HT", "Hộ tịch", "xa", None, [
        ("Đăng ký khai sinh", "t", 0, 1), ("Đăng ký kết hôn", "p", 0, 1), ("Đăng ký khai tử", "t", 0, 1),
        ("Đăng ký giám hộ", "p", 0, 3), ("Đăng ký nhận cha, mẹ, con", "p", 0, 3),
        ("Cấp bản sao trích lục hộ tịch", "t", 1, 1), ("Cấp giấy xác nhận tình trạng hôn nhân", "t", 1, 3),
        ("Đăng ký lại khai sinh", "p", 0, 5), ("Thay đổi, cải chính, bổ sung thông tin hộ tịch", "p", 1, 3),
        ("Liên thông đăng ký khai sinh, đăng ký thường trú, cấp thẻ BHYT cho trẻ dưới 6 tuổi", "t", 0, 5)]),
    ("CT", "Chứng thực", "xa", None, [
        ("Chứng thực bản sao từ bản chính", "p", 1, 1), ("Chứng thực chữ ký", "p", 1, 1),
        ("Chứng thực hợp đồng, giao dịch liên quan đến tài sản", "k", 1, 2),
        ("Chứng thực việc sửa đổi, bổ sung, hủy bỏ hợp đồng", "k", 1, 2),
        ("Cấp bản sao có chứng thực từ bản chính hợp đồng đã được chứng thực", "p", 1, 2)]),
    ("DD", "Đất đai", "xa", None, [
        ("Đăng ký biến động quyền sử dụng đất", "p", 1, 10), ("Cấp đổi giấy chứng nhận quyền sử dụng đất", "p", 1, 7),
        ("Hòa giải tranh chấp đất đai", "k", 0, 30), ("Xác nhận nguồn gốc sử dụng đất", "k", 0, 10),
        ("Đăng ký đất đai lần đầu", "p", 1, 20)]),
    ("BTXH", "Bảo trợ xã hội", "xa", None, [
        ("Trợ cấp xã hội hằng tháng đối với đối tượng bảo trợ xã hội", "t", 0, 15),
        ("Hỗ trợ chi phí mai táng cho đối tượng bảo trợ xã hội", "t", 0, 3),
        ("Xác định, xác định lại mức độ khuyết tật", "p", 0, 30),
        ("Công nhận hộ nghèo, hộ cận nghèo phát sinh", "p", 0, 10)]),
    ("NCC", "Người có công", "xa", None, [
        ("Giải quyết chế độ mai táng phí đối với cựu chiến binh", "p", 0, 10),
        ("Xác nhận thương binh, người hưởng chính sách như thương binh", "k", 0, 20),
        ("Hưởng trợ cấp khi người có công đang hưởng trợ cấp ưu đãi từ trần", "p", 0, 12)]),
    ("HKD", "Thành lập và hoạt động của hộ kinh doanh", "xa", None, [
        ("Đăng ký thành lập hộ kinh doanh", "t", 1, 3), ("Đăng ký thay đổi nội dung đăng ký hộ kinh doanh", "t", 1, 3),
        ("Tạm ngừng hoạt động hộ kinh doanh", "t", 0, 3), ("Chấm dứt hoạt động hộ kinh doanh", "t", 0, 3)]),
    ("XDX", "Hoạt động xây dựng", "xa", None, [
        ("Cấp giấy phép xây dựng nhà ở riêng lẻ", "p", 1, 15), ("Điều chỉnh giấy phép xây dựng nhà ở riêng lẻ", "p", 1, 15),
        ("Gia hạn giấy phép xây dựng", "p", 1, 5)]),
    ("NCN", "Nuôi con nuôi", "xa", None, [
        ("Đăng ký việc nuôi con nuôi trong nước", "p", 1, 30), ("Đăng ký lại việc nuôi con nuôi trong nước", "p", 0, 5)]),
    ("VHX", "Văn hóa cơ sở", "xa", None, [
        ("Công nhận gia đình văn hóa", "k", 0, 5), ("Đăng ký tổ chức lễ hội", "p", 0, 5),
        ("Thông báo tổ chức lễ hội", "t", 0, 5)]),
    ("TGX", "Tín ngưỡng, tôn giáo (cấp xã)", "xa", None, [
        ("Đăng ký sinh hoạt tôn giáo tập trung", "p", 0, 20), ("Thông báo danh mục hoạt động tín ngưỡng", "t", 0, 5)]),
    ("PCTT", "Phòng, chống thiên tai", "xa", None, [
        ("Hỗ trợ khôi phục sản xuất vùng bị thiệt hại do thiên tai", "p", 0, 10),
        ("Hỗ trợ nhà ở cho hộ bị thiệt hại do thiên tai", "p", 0, 10)]),
    ("TCH", "Tài chính (cấp huyện)", "huyen", None, [
        ("Thẩm định quyết toán vốn đầu tư dự án cấp huyện", "k", 0, 30), ("Mua hóa đơn lẻ", "p", 1, 1),
        ("Xác nhận tài sản công", "k", 0, 10)]),
    ("HTH", "Hộ tịch (cấp huyện)", "huyen", None, [
        ("Đăng ký khai sinh có yếu tố nước ngoài", "p", 1, 15), ("Đăng ký kết hôn có yếu tố nước ngoài", "p", 1, 15),
        ("Ghi vào sổ hộ tịch việc kết hôn đã giải quyết ở nước ngoài", "p", 1, 5),
        ("Thay đổi, cải chính hộ tịch cho người từ 14 tuổi trở lên", "p", 1, 3)]),
    ("DDH", "Đất đai (cấp huyện)", "huyen", None, [
        ("Giao đất, cho thuê đất cho hộ gia đình, cá nhân", "k", 1, 20), ("Chuyển mục đích sử dụng đất", "p", 1, 15),
        ("Cấp giấy chứng nhận quyền sử dụng đất lần đầu cho hộ gia đình", "p", 1, 30),
        ("Thu hồi đất do chấm dứt việc sử dụng đất theo pháp luật", "k", 0, 20),
        ("Gia hạn sử dụng đất nông nghiệp", "p", 1, 7)]),
    ("XDH", "Xây dựng (cấp huyện)", "huyen", None, [
        ("Cấp giấy phép xây dựng công trình cấp III, cấp IV", "p", 1, 20), ("Thẩm định báo cáo kinh tế - kỹ thuật", "k", 1, 20),
        ("Cấp giấy phép di dời công trình", "k", 1, 20)]),
    ("KDH", "Kinh doanh (cấp huyện)", "huyen", None, [
        ("Cấp giấy phép bán lẻ sản phẩm thuốc lá", "t", 1, 15), ("Cấp giấy phép bán lẻ rượu", "t", 1, 10),
        ("Cấp giấy chứng nhận đủ điều kiện an toàn thực phẩm", "p", 1, 15),
        ("Đăng ký thành lập hợp tác xã", "t", 1, 3), ("Đăng ký thay đổi nội dung đăng ký hợp tác xã", "t", 1, 3)]),
    ("GDH", "Giáo dục (cấp huyện)", "huyen", None, [
        ("Cho phép trường mầm non hoạt động giáo dục", "k", 0, 20), ("Chuyển trường đối với học sinh trung học cơ sở", "t", 0, 3),
        ("Xét cấp hỗ trợ học tập cho trẻ mẫu giáo", "p", 0, 10)]),
    ("LLTP", "Lý lịch tư pháp", "tinh", "H37.01", [
        ("Cấp phiếu lý lịch tư pháp cho công dân Việt Nam", "t", 1, 10),
        ("Cấp phiếu lý lịch tư pháp cho cơ quan nhà nước, tổ chức chính trị", "t", 0, 10),
        ("Cấp phiếu lý lịch tư pháp cho người nước ngoài", "p", 1, 15)]),
    ("TGPL", "Công chứng, luật sư và trợ giúp pháp lý", "tinh", "H37.01", [
        ("Đăng ký hoạt động văn phòng công chứng", "p", 1, 10), ("Đăng ký hoạt động của tổ chức hành nghề luật sư", "p", 1, 10),
        ("Yêu cầu trợ giúp pháp lý", "p", 0, 3), ("Cấp thẻ công chứng viên", "p", 1, 10)]),
    ("DT", "Đầu tư và doanh nghiệp", "tinh", "H37.02", [
        ("Đăng ký thành lập doanh nghiệp tư nhân", "t", 1, 3), ("Đăng ký thành lập công ty TNHH một thành viên", "t", 1, 3),
        ("Đăng ký thay đổi nội dung đăng ký doanh nghiệp", "t", 1, 3), ("Thông báo tạm ngừng kinh doanh", "t", 0, 3),
        ("Giải thể doanh nghiệp", "t", 0, 5), ("Cấp giấy chứng nhận đăng ký đầu tư", "p", 0, 15),
        ("Điều chỉnh giấy chứng nhận đăng ký đầu tư", "p", 0, 10), ("Chấp thuận chủ trương đầu tư", "k", 0, 35)]),
    ("NS", "Quản lý ngân sách và công sản", "tinh", "H37.02", [
        ("Cấp mã số đơn vị có quan hệ với ngân sách", "t", 0, 2), ("Thẩm định giá tài sản công", "k", 0, 15),
        ("Quyết toán dự án hoàn thành sử dụng vốn đầu tư công", "k", 0, 30)]),
    ("XD", "Xây dựng", "tinh", "H37.04", [
        ("Cấp giấy phép xây dựng công trình cấp I, cấp II", "p", 1, 20), ("Thẩm định dự án đầu tư xây dựng", "k", 1, 25),
        ("Thẩm định thiết kế xây dựng triển khai sau thiết kế cơ sở", "k", 1, 30),
        ("Cấp chứng chỉ hành nghề hoạt động xây dựng hạng II, III", "t", 1, 20),
        ("Cấp chứng chỉ năng lực hoạt động xây dựng", "t", 1, 20), ("Cấp giấy phép chặt hạ, dịch chuyển cây xanh", "p", 0, 10)]),
    ("GT", "Đường bộ", "tinh", "H37.04", [
        ("Cấp đổi giấy phép lái xe", "t", 1, 5), ("Cấp lại giấy phép lái xe", "t", 1, 10),
        ("Cấp phép lưu hành xe quá tải trọng, quá khổ giới hạn", "t", 1, 2), ("Cấp giấy phép kinh doanh vận tải bằng xe ô tô", "t", 1, 5),
        ("Cấp phù hiệu xe ô tô kinh doanh vận tải", "t", 1, 2), ("Cấp giấy phép thi công công trình trên đường bộ", "p", 0, 7),
        ("Đăng ký khai thác tuyến vận tải hành khách cố định", "t", 0, 5)]),
    ("MT", "Tài nguyên, môi trường", "tinh", "H37.20", [
        ("Cấp giấy phép môi trường", "p", 1, 30), ("Thẩm định báo cáo đánh giá tác động môi trường", "k", 1, 30),
        ("Cấp giấy phép khai thác nước mặt", "p", 1, 20), ("Cấp giấy phép thăm dò khoáng sản", "k", 1, 45),
        ("Đăng ký biến động đất đai đối với tổ chức", "p", 1, 10), ("Cung cấp dữ liệu đất đai", "t", 1, 3)]),
    ("NN", "Nông nghiệp", "tinh", "H37.20", [
        ("Cấp giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm nông lâm thủy sản", "p", 1, 15),
        ("Cấp giấy chứng nhận kiểm dịch động vật vận chuyển ra khỏi tỉnh", "t", 1, 3),
        ("Cấp giấy phép vận chuyển thuốc bảo vệ thực vật", "p", 1, 10), ("Công nhận làng nghề", "k", 0, 30),
        ("Phê duyệt phương án khai thác thực vật rừng", "k", 0, 15)]),
    ("TL", "Thủy lợi", "tinh", "H37.20", [
        ("Cấp giấy phép hoạt động trong phạm vi bảo vệ công trình thủy lợi", "p", 1, 15),
        ("Phê duyệt phương án cắm mốc chỉ giới phạm vi bảo vệ công trình thủy lợi", "k", 0, 20),
        ("Cấp giấy phép xả nước thải vào công trình thủy lợi", "p", 1, 20)]),
    ("KHCN", "Khoa học, công nghệ và viễn thông", "tinh", "H37.08", [
        ("Đăng ký kết quả thực hiện nhiệm vụ khoa học và công nghệ", "p", 0, 10),
        ("Cấp giấy phép hoạt động in xuất bản phẩm", "t", 1, 10), ("Cấp giấy phép thiết lập trang thông tin điện tử tổng hợp", "t", 1, 10),
        ("Cấp giấy chứng nhận đăng ký hoạt động khoa học và công nghệ", "p", 1, 15)]),
    ("LD", "Lao động, việc làm", "tinh", "H37.10", [
        ("Cấp giấy phép lao động cho người nước ngoài", "t", 1, 5), ("Cấp lại giấy phép lao động cho người nước ngoài", "t", 1, 3),
        ("Giải quyết hưởng trợ cấp thất nghiệp", "p", 0, 20), ("Đăng ký nội quy lao động", "t", 0, 7),
        ("Cấp giấy phép hoạt động dịch vụ việc làm", "p", 1, 7)]),
    ("TC", "Tổ chức, công chức và thi đua khen thưởng", "tinh", "H37.10", [
        ("Thẩm định thành lập tổ chức hành chính", "k", 0, 15), ("Công nhận ban vận động thành lập hội", "k", 0, 30),
        ("Tặng bằng khen của Chủ tịch UBND tỉnh", "p", 0, 20)]),
    ("YT", "Y tế, dược", "tinh", "H37.12", [
        ("Cấp chứng chỉ hành nghề dược", "t", 1, 20), ("Cấp giấy chứng nhận đủ điều kiện kinh doanh dược", "p", 1, 30),
        ("Cấp giấy phép hoạt động khám bệnh, chữa bệnh", "p", 1, 30), ("Cấp giấy phép hành nghề khám bệnh, chữa bệnh", "t", 1, 20),
        ("Công bố cơ sở đủ điều kiện thực hiện khám sức khỏe", "t", 0, 10), ("Cấp giấy tiếp nhận đăng ký bản công bố mỹ phẩm", "t", 1, 5)]),
    ("GD", "Giáo dục và đào tạo", "tinh", "H37.13", [
        ("Cấp bản sao văn bằng, chứng chỉ từ sổ gốc", "t", 1, 1), ("Chỉnh sửa nội dung văn bằng, chứng chỉ", "p", 0, 5),
        ("Cho phép trung tâm ngoại ngữ, tin học hoạt động giáo dục", "p", 1, 20), ("Công nhận trường đạt chuẩn quốc gia", "k", 0, 30)]),
    ("CTH", "Công thương", "tinh", "H37.14", [
        ("Cấp giấy chứng nhận đủ điều kiện cửa hàng bán lẻ xăng dầu", "t", 1, 15), ("Cấp giấy phép bán buôn rượu", "t", 1, 10),
        ("Cấp giấy phép hoạt động điện lực", "p", 1, 15), ("Đăng ký tổ chức hội chợ, triển lãm thương mại", "t", 0, 7),
        ("Cấp giấy chứng nhận xuất xứ hàng hóa", "t", 1, 1), ("Cấp giấy phép sử dụng vật liệu nổ công nghiệp", "p", 1, 10)]),
    ("VH", "Văn hóa, thể thao và du lịch", "tinh", "H37.15", [
        ("Cấp giấy phép kinh doanh dịch vụ lữ hành nội địa", "t", 1, 10), ("Công nhận hạng cơ sở lưu trú du lịch", "p", 1, 30),
        ("Cấp thẻ hướng dẫn viên du lịch", "t", 1, 15), ("Cấp giấy phép tổ chức biểu diễn nghệ thuật", "t", 0, 5),
        ("Cấp giấy chứng nhận đủ điều kiện kinh doanh hoạt động thể thao", "p", 1, 7)]),
    ("NV", "Ngoại vụ", "tinh", "H37.16", [
        ("Cho phép tổ chức hội nghị, hội thảo quốc tế", "p", 0, 15), ("Cho phép sử dụng thẻ đi lại của doanh nhân APEC", "t", 0, 10),
        ("Xác nhận danh sách đoàn công tác nước ngoài", "p", 0, 5)]),
    ("KKT", "Quản lý khu kinh tế cửa khẩu", "tinh", "H37.18", [
        ("Cấp giấy chứng nhận đăng ký đầu tư trong khu kinh tế", "p", 0, 15),
        ("Cấp giấy phép lao động cho người nước ngoài làm việc trong khu kinh tế", "t", 1, 5),
        ("Cấp giấy phép xây dựng công trình trong khu kinh tế", "p", 1, 20)]),
    ("DTTG", "Dân tộc, tôn giáo", "tinh", "H37.21", [
        ("Công nhận người có uy tín trong đồng bào dân tộc thiểu số", "k", 0, 20),
        ("Đăng ký hoạt động tín ngưỡng", "p", 0, 15), ("Chấp thuận tổ chức cuộc lễ ngoài cơ sở tôn giáo", "p", 0, 15)]),
]
MUC_DO = {"t": "toan_trinh", "p": "mot_phan", "k": "khong"}


@dataclass(frozen=True)
class Procedure:
    ma_tthc: str
    ten_tthc: str
    ma_linh_vuc: str
    ten_linh_vuc: str
    cap: str
    ma_don_vi: str | None
    muc_do: str
    co_phi: int
    tich_hop: int
    thoi_han: int


def procedures() -> list[Procedure]:
    out = []
    for f, (code, field, level, dept, items) in enumerate(FIELDS):
        for i, (name, muc_do, fee, days) in enumerate(items):
            # Payment integration on the National Portal: most fee-bearing online services, not all.
            integrated = int(fee == 1 and muc_do != "k" and (f + i) % 4 != 0)
            out.append(Procedure(f"1.{f + 1:03d}{i + 1:03d}", name, code, field, level, dept, MUC_DO[muc_do],
                                 fee, integrated, days))
    return out


# Which departments' dossiers (before the merger) use which department's procedures.
PROCEDURE_OWNER_BEFORE_MERGER = {"H37.03": "H37.02", "H37.05": "H37.04", "H37.06": "H37.20", "H37.07": "H37.20",
                                 "H37.09": "H37.08", "H37.11": "H37.10", "H37.17": "H37.21"}
