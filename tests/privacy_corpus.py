"""A corpus of Chinese personal information, one entry per kind, and where each shows once masked.

Each entry: (kind, the text as a party would write it, the personal value that must never appear masked,
what the masked text still shows). Tests put these sentences into every free-text field of a case."""
from __future__ import annotations

CORPUS = [
    ("name", "我叫张伟国，是这个订单的买家", "张伟国", "张*"),
    ("labelled name", "收货人：李秀英", "李秀英", "李*"),
    ("mobile", "我的电话13812345678，随时联系", "13812345678", "138****5678"),
    ("mobile +86 spaced", "手机 +86 139-2345-6789", "2345-6789", "139****6789"),
    ("landline", "座机 010-87654321", "87654321", "010-"),
    ("id card", "身份证号 110101199003071234", "110101199003071234", "1****************4"),
    ("id card X", "身份证11010519491231002X", "11010519491231002X", "X"),
    ("bank card", "退款请打到银行卡6222021234567890123", "6222021234567890123", "0123"),
    ("bank card grouped", "卡号 6217 0000 1001 2345", "6217 0000 1001 2345", "**** **** **** 2345"),
    ("email", "邮箱zhangweiguo@qq.com", "zhangweiguo@qq.com", "@qq.com"),
    ("qq", "QQ：3456789012 加我", "3456789012", "QQ："),
    ("wechat", "微信号 zwg_1988abc", "zwg_1988abc", "微信号"),
    ("labelled address", "收货地址：北京市朝阳区建国路88号SOHO现代城5号楼1203室", "建国路88号", "北京市朝阳区"),
    ("address by shape", "我住在广东省深圳市南山区科技园路1号3栋501室", "科技园路1号", "深圳市"),
]

PERSONAL_VALUES = [value for _, _, value, _ in CORPUS]
ALL_TEXT = "；".join(text for _, text, _, _ in CORPUS)
