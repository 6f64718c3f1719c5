"""Reference vocabularies for the demo data (clean values, their weights and dirty spellings).

Values are plain tuples so their order, and therefore the generated data, never depends
on dict or set iteration.
"""

from __future__ import annotations

from typing import Final

# --- geography -------------------------------------------------------------------------

COUNTRIES: Final = ("CN", "US", "SG")
COUNTRY_WEIGHTS: Final = (0.955, 0.025, 0.02)
#: How the country code is spelled in the CRM export: clean codes first, then dirty ones.
COUNTRY_SPELLINGS: Final = ("CN", "US", "SG", "cn", " CN")

#: (city, province or state, country, weight): Chinese cities of every tier plus a few abroad.
CITIES: Final[tuple[tuple[str, str | None, str, float], ...]] = (
    ("Shanghai", "Shanghai", "CN", 9.0),
    ("Beijing", "Beijing", "CN", 8.5),
    ("Guangzhou", "Guangdong", "CN", 6.0),
    ("Shenzhen", "Guangdong", "CN", 6.5),
    ("Hangzhou", "Zhejiang", "CN", 4.5),
    ("Chengdu", "Sichuan", "CN", 4.5),
    ("Chongqing", "Chongqing", "CN", 3.5),
    ("Wuhan", "Hubei", "CN", 3.5),
    ("Xi'an", "Shaanxi", "CN", 3.0),
    ("Suzhou", "Jiangsu", "CN", 3.0),
    ("Nanjing", "Jiangsu", "CN", 3.0),
    ("Tianjin", "Tianjin", "CN", 2.5),
    ("Changsha", "Hunan", "CN", 2.5),
    ("Zhengzhou", "Henan", "CN", 2.0),
    ("Qingdao", "Shandong", "CN", 2.0),
    ("Xiamen", "Fujian", "CN", 1.5),
    ("Ningbo", "Zhejiang", "CN", 1.5),
    ("Dongguan", "Guangdong", "CN", 1.5),
    ("Foshan", "Guangdong", "CN", 1.5),
    ("Hefei", "Anhui", "CN", 1.5),
    ("Kunming", "Yunnan", "CN", 1.2),
    ("Shenyang", "Liaoning", "CN", 1.2),
    ("Harbin", "Heilongjiang", "CN", 1.0),
    ("Nanning", "Guangxi", "CN", 0.8),
    ("Guiyang", "Guizhou", "CN", 0.8),
    ("Taiyuan", "Shanxi", "CN", 0.7),
    ("Lanzhou", "Gansu", "CN", 0.6),
    ("Haikou", "Hainan", "CN", 0.5),
    ("Guilin", "Guangxi", "CN", 0.4),
    ("Dali", "Yunnan", "CN", 0.3),
    ("Urumqi", "Xinjiang", "CN", 0.4),
    ("Hohhot", "Inner Mongolia", "CN", 0.3),
    ("Xining", "Qinghai", "CN", 0.2),
    ("Lhasa", "Tibet", "CN", 0.1),
    ("New York", "NY", "US", 3.0),
    ("San Francisco", "CA", "US", 2.0),
    ("Los Angeles", "CA", "US", 2.0),
    ("Seattle", "WA", "US", 1.0),
    ("Singapore", None, "SG", 1.0),
)

# --- people ----------------------------------------------------------------------------

#: (characters, pinyin)
FAMILY_NAMES: Final = (
    ("王", "Wang"), ("李", "Li"), ("张", "Zhang"), ("刘", "Liu"), ("陈", "Chen"),
    ("杨", "Yang"), ("黄", "Huang"), ("赵", "Zhao"), ("吴", "Wu"), ("周", "Zhou"),
    ("徐", "Xu"), ("孙", "Sun"), ("马", "Ma"), ("朱", "Zhu"), ("胡", "Hu"),
    ("郭", "Guo"), ("何", "He"), ("林", "Lin"), ("罗", "Luo"), ("高", "Gao"),
    ("郑", "Zheng"), ("梁", "Liang"), ("谢", "Xie"), ("宋", "Song"), ("唐", "Tang"),
)
GIVEN_NAMES: Final = (
    ("伟", "Wei"), ("芳", "Fang"), ("娜", "Na"), ("秀英", "Xiuying"), ("敏", "Min"),
    ("静", "Jing"), ("丽", "Li"), ("强", "Qiang"), ("磊", "Lei"), ("军", "Jun"),
    ("洋", "Yang"), ("勇", "Yong"), ("艳", "Yan"), ("杰", "Jie"), ("娟", "Juan"),
    ("涛", "Tao"), ("明", "Ming"), ("超", "Chao"), ("秀兰", "Xiulan"), ("霞", "Xia"),
    ("平", "Ping"), ("刚", "Gang"), ("桂英", "Guiying"), ("浩然", "Haoran"), ("子涵", "Zihan"),
    ("欣怡", "Xinyi"), ("梓轩", "Zixuan"), ("雨桐", "Yutong"), ("宇航", "Yuhang"), ("思远", "Siyuan"),
)
EMAIL_DOMAINS: Final = ("163.com", "126.com", "gmail.com", "outlook.com", "foxmail.com", "sina.com", "hotmail.com")

#: Gender spellings: index 0..3 mean male, 4..7 female, then unknown and the empty string.
GENDER_SPELLINGS: Final = ("M", "male", "Male", "男", "F", "female", "Female", "女", "unknown", "")
MALE_SPELLINGS: Final = (0, 1, 2, 3)
FEMALE_SPELLINGS: Final = (4, 5, 6, 7)
SPELLING_WEIGHTS: Final = (0.35, 0.25, 0.2, 0.2)

#: Chinese mobile prefixes (first three digits).
MOBILE_PREFIXES: Final = (130, 131, 132, 133, 135, 136, 137, 138, 139, 150, 151, 152, 155, 157,
                          158, 159, 166, 176, 177, 180, 181, 182, 183, 186, 187, 188, 189, 199)
INVALID_PHONES: Final = ("12345", "1380013", "000-0000", "n/a")

ACQUISITION_CHANNELS: Final = ("organic", "paid_search", "social", "referral", "offline_store", "affiliate")
#: Weights for customers who were not referred (referral is reserved for referred customers).
ACQUISITION_WEIGHTS: Final = (0.32, 0.22, 0.24, 0.0, 0.13, 0.09)
REFERRAL: Final = ACQUISITION_CHANNELS.index("referral")

MEMBER_LEVELS: Final = ("regular", "silver", "gold", "platinum")
#: Upper propensity-quantile bounds of each level (platinum is the top 3 %).
MEMBER_LEVEL_QUANTILES: Final = (0.62, 0.87, 0.97, 1.0)

# --- shop ------------------------------------------------------------------------------

SALES_CHANNELS: Final = ("web", "app", "mini_program", "offline_store")
SALES_CHANNEL_WEIGHTS: Final = (0.23, 0.33, 0.22, 0.22)
OFFLINE_STORE: Final = SALES_CHANNELS.index("offline_store")

STATUSES: Final = ("paid", "shipped", "completed", "cancelled", "refunded", "pending")
PAID, SHIPPED, COMPLETED, CANCELLED, REFUNDED, PENDING = range(6)
#: Known statuses spelled differently by the shop export.
STATUS_RESPELLINGS: Final[tuple[tuple[str, tuple[str, ...]], ...]] = (
    ("paid", ("PAID", "Paid ")),
    ("shipped", (" shipped", "SHIPPED")),
    ("completed", ("Completed", "COMPLETED")),
    ("cancelled", ("canceled", "Cancelled")),
    ("refunded", ("Refunded",)),
    ("pending", ("Pending",)),
)
UNKNOWN_STATUSES: Final = ("on_hold", "???", "lost_in_transit")

CURRENCIES: Final = ("CNY", "USD")
CNY, USD = range(2)
CURRENCY_RESPELLINGS: Final[tuple[tuple[str, tuple[str, ...]], ...]] = (
    ("CNY", ("cny", " CNY")),
    ("USD", ("usd",)),
)
UNKNOWN_CURRENCIES: Final = ("XXX",)
#: Fixed-point exchange rate: USD cents = CNY cents * 10 / 71 (about 1/7.1).
USD_PER_CNY_NUM, USD_PER_CNY_DEN = 10, 71

ITEMS_PER_ORDER_WEIGHTS: Final = (0.68, 0.18, 0.08, 0.04, 0.02)  # 1..5 items
QUANTITY_WEIGHTS: Final = (0.78, 0.15, 0.04, 0.02, 0.01)  # 1..5 units

#: category, price median (CNY cents), product nouns
CATEGORIES: Final[tuple[tuple[str, int, tuple[str, ...]], ...]] = (
    ("apparel", 19900, ("T-Shirt", "Hoodie", "Jeans", "Down Jacket", "Dress", "Sneakers", "Scarf")),
    ("beauty", 12900, ("Serum", "Lipstick", "Sunscreen", "Face Mask", "Cleanser", "Eye Cream")),
    ("electronics", 39900, ("Earbuds", "Power Bank", "Smartwatch", "Bluetooth Speaker", "Phone Case", "Charger")),
    ("home", 15900, ("Pillow", "Bedsheet Set", "Storage Box", "Rice Cooker", "Tea Set", "Desk Lamp")),
    ("food", 4900, ("Green Tea", "Instant Noodles", "Mooncake Gift Box", "Dried Mango", "Coffee Beans", "Hot Pot Base")),
    ("sports", 18900, ("Yoga Mat", "Running Shoes", "Dumbbell Set", "Badminton Racket", "Cycling Gloves")),
    ("books", 5900, ("Novel", "Cookbook", "Travel Guide", "Picture Book", "Notebook")),
    ("baby", 13900, ("Diapers", "Baby Formula", "Stroller", "Baby Wipes", "Teether")),
)
CATEGORY_WEIGHTS: Final = (0.22, 0.16, 0.12, 0.14, 0.12, 0.1, 0.06, 0.08)
BRANDS: Final = (
    "Huamei", "Lotus Home", "Panda Tech", "Jade River", "Bamboo Kids", "Silk Road", "Red Lantern",
    "Golden Peak", "Blue Crane", "Mintleaf", "Sunrise", "Cloud Nine", "Dragon Gate", "Pearl Bay",
    "Ironwood", "Little Tiger", "Morning Dew", "Northwind", "Orchid", "Peony", "Qilin", "Riverstone",
    "Snow Lotus", "Tangerine", "Urban Ox", "Vermilion", "West Lake", "Xingyun", "Yellow Mountain", "Zen Garden",
)
PRODUCT_ADJECTIVES: Final = ("Classic", "Premium", "Lite", "Pro", "Eco", "Mini", "Max", "Everyday", "Deluxe", "Smart")
PRODUCT_COUNT: Final = 200

# --- app -------------------------------------------------------------------------------

PLATFORMS: Final = ("ios", "android", "web", "mini_program")
IOS, ANDROID, WEB, MINI_PROGRAM = range(4)

EVENT_TYPES: Final = ("login", "page_view", "product_view", "add_to_cart", "checkout", "share", "review", "support_ticket")
LOGIN, PAGE_VIEW, PRODUCT_VIEW, ADD_TO_CART, CHECKOUT, SHARE, REVIEW, SUPPORT_TICKET = range(8)
#: Event types after the first one in a browsing session (no purchase follows).
BROWSE_EVENT_TYPES: Final = (PAGE_VIEW, PRODUCT_VIEW, ADD_TO_CART, SHARE, SUPPORT_TICKET)
BROWSE_EVENT_WEIGHTS: Final = (0.4, 0.4, 0.12, 0.05, 0.03)

#: (utm_source, utm_medium) pairs of paid / owned traffic.
UTM_PAIRS: Final = (
    ("baidu", "cpc"), ("wechat", "social"), ("weibo", "social"), ("douyin", "video"),
    ("xiaohongshu", "social"), ("google", "cpc"), ("newsletter", "email"), ("partner_site", "affiliate"),
)
UTM_GENERIC_CAMPAIGNS: Final = ("brand_awareness", "new_arrivals", "spring_sale", "summer_sale", "back_to_school", "clearance")
#: Seasonal campaign names, suffixed with the year: (name, month, first day, last day).
UTM_SEASONAL_CAMPAIGNS: Final = (("618", 6, 1, 18), ("double11", 11, 1, 11), ("double12", 12, 1, 12))
CRM_UTM_SOURCE: Final = "crm"

# --- feedback --------------------------------------------------------------------------

NPS_COMMENTS_PROMOTER: Final = (
    "Fast delivery, great quality!",
    "物流很快，质量很好",
    "Love the app, will buy again",
    'Great service, "5 stars"',
    "Always my first choice for gifts",
)
NPS_COMMENTS_PASSIVE: Final = ("OK overall", "Delivery was a bit slow", "还行", "Prices are fine, app could be faster")
NPS_COMMENTS_DETRACTOR: Final = (
    "Item arrived damaged, refund took weeks",
    "客服态度差",
    "Too expensive, prices went up",
    'Wrong size, returns process is "complicated"',
    "App keeps logging me out",
)

# --- marketing -------------------------------------------------------------------------

VARIANTS: Final = ("treatment", "control")
TREATMENT, CONTROL = range(2)
VARIANT_RESPELLINGS: Final = ("Treatment", " control", "CONTROL")
INVALID_VARIANTS: Final = ("holdout_x",)
