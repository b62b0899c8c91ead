#!/usr/bin/env python3
"""Write a generated document of about SIZE bytes for the long-document benchmark.

Usage: longdoc.py SIZE_BYTES {sentences|one-sentence} OUT

The clauses are our own, in the phrasing of district reports: figures of several
indicators across districts, with plain clauses between them. `sentences` ends each
clause with a full stop, as ordinary text does; `one-sentence` joins them with commas on
one line, as a PDF text layer or a table flattened to one line does. Same seed, same
bytes."""
import random
import sys

DISTRICTS = ["Yên Thế", "Lục Ngạn", "Sơn Động", "Hiệp Hòa", "Tân Yên", "Việt Yên",
             "Lạng Giang", "Yên Dũng", "Lục Nam", "Tam Đảo", "Bình Xuyên", "Sông Lô"]
FIGURES = [
    "huyện {d} kết nạp {n} đảng viên mới",
    "Đảng bộ huyện {d} đã kết nạp được {n} quần chúng ưu tú vào Đảng",
    "toàn huyện {d} thành lập mới {k} tổ chức cơ sở đảng trong doanh nghiệp tư nhân",
    "có {p}% trưởng thôn, tổ trưởng tổ dân phố của huyện {d} là đảng viên",
    "huyện {d} có {k} xã đạt chuẩn nông thôn mới",
    "huyện {d} có {k}/{t} xã được công nhận đạt chuẩn nông thôn mới",
    "quỹ khuyến học của huyện {d} đạt {n} triệu đồng",
]
PLAIN = [
    "các chi bộ duy trì sinh hoạt chuyên đề hằng tháng",
    "công tác kiểm tra, giám sát được tăng cường",
    "ban thường vụ huyện ủy chỉ đạo rà soát nguồn phát triển đảng viên",
    "nhiều mô hình hay được nhân rộng ở cơ sở",
    "đội ngũ cán bộ được bồi dưỡng lý luận chính trị",
]


def clause(rng):
    if rng.random() < 0.5:
        return rng.choice(PLAIN)
    t = rng.randint(10, 40)
    return rng.choice(FIGURES).format(
        d=rng.choice(DISTRICTS), n=rng.randint(20, 900), k=rng.randint(1, t),
        t=t, p=f"{rng.randint(50, 99)},{rng.randint(0, 9)}")


def main():
    size, shape, out = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    rng = random.Random(2017)
    parts, n = [], 0
    while n < size:
        c = clause(rng)
        if shape == "sentences":
            c = c[0].upper() + c[1:] + ". "
            if rng.random() < 0.1:
                c += "\n"
        else:
            c += ", "
        parts.append(c)
        n += len(c.encode())
    with open(out, "w", encoding="utf-8") as f:
        f.write("".join(parts).rstrip(", ") + ".\n")


if __name__ == "__main__":
    main()
