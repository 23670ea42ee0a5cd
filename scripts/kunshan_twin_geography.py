"""Hand-traced geography of Kunshan for `make_kunshan_twin.py` (lon, lat in WGS84).

Drawn, not surveyed: lake outlines, river courses and main roads follow their well-known
positions (Yangcheng Lake in the north-west, Dianshan Lake in the south, the Lou River through
the old city, the Wusong River in the south, the Shanghai–Nanjing expressway across the city)
closely enough for a demo twin; real shapes differ in detail.
"""

from __future__ import annotations

from dataclasses import dataclass

Point = tuple[float, float]


@dataclass(frozen=True)
class Feature:
    slug: str  # ASCII, unique among the entities of the twin
    name: str
    alternate_name: str
    district: str  # the town it lies in (or mostly in)
    points: tuple[Point, ...]
    sensors: int = 0  # sensors the generator places on it
    road_class: str = ""  # roads only: motorway, trunk, primary, secondary


LAKES = (
    Feature("yangcheng-lake", "阳澄湖", "Yangcheng Lake", "巴城镇", (
        (120.800, 31.470), (120.822, 31.485), (120.845, 31.478), (120.858, 31.455),
        (120.860, 31.430), (120.850, 31.405), (120.835, 31.390), (120.815, 31.395),
        (120.800, 31.415), (120.795, 31.445)), sensors=8),
    Feature("kuilei-lake", "傀儡湖", "Kuilei Lake", "巴城镇", (
        (120.866, 31.410), (120.872, 31.424), (120.884, 31.426), (120.889, 31.414),
        (120.882, 31.403), (120.870, 31.402)), sensors=3),
    Feature("dianshan-lake", "淀山湖", "Dianshan Lake", "淀山湖镇", (
        (120.905, 31.175), (120.930, 31.182), (120.960, 31.178), (120.983, 31.166),
        (121.000, 31.150), (120.992, 31.128), (120.965, 31.112), (120.935, 31.110),
        (120.912, 31.125), (120.900, 31.150)), sensors=8),
    Feature("cheng-lake", "澄湖", "Cheng Lake", "锦溪镇", (
        (120.800, 31.225), (120.825, 31.240), (120.850, 31.232), (120.862, 31.212),
        (120.852, 31.190), (120.828, 31.182), (120.806, 31.195)), sensors=5),
    Feature("baixian-lake", "白蚬湖", "Baixian Lake", "周庄镇", (
        (120.830, 31.150), (120.845, 31.160), (120.865, 31.157), (120.872, 31.145),
        (120.860, 31.137), (120.840, 31.138)), sensors=3),
    Feature("changbai-dang", "长白荡", "Changbai Lake", "锦溪镇", (
        (120.880, 31.200), (120.893, 31.210), (120.908, 31.205), (120.905, 31.193),
        (120.890, 31.190)), sensors=3),
)

RIVERS = (
    Feature("lou-river", "娄江", "Lou River", "玉山镇", (
        (120.790, 31.355), (120.850, 31.362), (120.900, 31.372), (120.935, 31.382),
        (120.960, 31.392), (121.000, 31.405), (121.040, 31.425), (121.080, 31.450)),
        sensors=10),
    Feature("wusong-river", "吴淞江", "Wusong River", "张浦镇", (
        (120.790, 31.296), (120.850, 31.292), (120.900, 31.286), (120.950, 31.282),
        (121.000, 31.279), (121.050, 31.280), (121.100, 31.283), (121.130, 31.286)),
        sensors=10),
    Feature("qingyang-port", "青阳港", "Qingyang Canal", "玉山镇", (
        (120.975, 31.470), (120.972, 31.430), (120.968, 31.400), (120.966, 31.380),
        (120.970, 31.340), (120.978, 31.300), (120.985, 31.280)), sensors=7),
    Feature("jishui-port", "急水港", "Jishui Canal", "周庄镇", (
        (120.800, 31.150), (120.830, 31.140), (120.860, 31.130), (120.890, 31.128),
        (120.915, 31.130)), sensors=5),
    Feature("qiandeng-pu", "千灯浦", "Qiandeng Creek", "千灯镇", (
        (120.995, 31.300), (120.998, 31.280), (121.000, 31.262), (121.003, 31.240),
        (121.010, 31.200), (121.015, 31.170)), sensors=4),
    Feature("yanglin-tang", "杨林塘", "Yanglin Canal", "周市镇", (
        (120.900, 31.480), (120.960, 31.490), (121.020, 31.496), (121.060, 31.480)),
        sensors=4),
)

# Main roads across the city; the grids of the demo districts add their own streets.
MAIN_ROADS = (
    Feature("g2-expressway", "京沪高速（G2）", "Beijing–Shanghai Expressway", "玉山镇", (
        (120.790, 31.395), (120.860, 31.385), (120.920, 31.372), (120.980, 31.360),
        (121.040, 31.345), (121.100, 31.322), (121.130, 31.312)),
        sensors=8, road_class="motorway"),
    Feature("ring-expressway", "昆山中环快速路", "Kunshan Middle Ring", "玉山镇", (
        (120.905, 31.345), (121.030, 31.345), (121.030, 31.430), (120.905, 31.430),
        (120.905, 31.345)), sensors=8, road_class="motorway"),
    Feature("g312", "312国道", "National Road 312", "周市镇", (
        (120.790, 31.410), (120.880, 31.410), (120.950, 31.412), (121.030, 31.400),
        (121.100, 31.372), (121.125, 31.355)), sensors=6, road_class="trunk"),
    Feature("qianjin-road", "前进路", "Qianjin Road", "玉山镇", (
        (120.900, 31.386), (120.955, 31.386), (121.000, 31.386), (121.040, 31.352),
        (121.075, 31.325), (121.095, 31.312)), sensors=8, road_class="primary"),
    Feature("renmin-road", "人民路", "Renmin Road", "玉山镇", (
        (120.955, 31.340), (120.955, 31.386), (120.955, 31.440)),
        sensors=5, road_class="primary"),
    Feature("huangpujiang-road", "黄浦江路", "Huangpujiang Road", "昆山开发区", (
        (121.005, 31.330), (121.005, 31.370), (121.005, 31.420)),
        sensors=4, road_class="primary"),
    Feature("changjiang-road", "长江路", "Changjiang Road", "玉山镇", (
        (120.988, 31.340), (120.988, 31.390), (120.988, 31.445)),
        sensors=3, road_class="primary"),
    Feature("jiangpu-road", "江浦路", "Jiangpu Road", "昆山高新区", (
        (120.925, 31.340), (120.925, 31.390), (120.925, 31.440)),
        sensors=3, road_class="primary"),
    Feature("lvdi-avenue", "绿地大道", "Lvdi Avenue", "花桥镇", (
        (121.060, 31.302), (121.095, 31.302), (121.128, 31.302)),
        sensors=4, road_class="primary"),
    Feature("guangming-road", "光明路", "Guangming Road", "花桥镇", (
        (121.095, 31.280), (121.095, 31.302), (121.095, 31.325)),
        sensors=3, road_class="primary"),
    Feature("yanhu-avenue", "沿沪大道", "Yanhu Avenue", "花桥镇", (
        (121.118, 31.270), (121.120, 31.300), (121.118, 31.340)),
        sensors=3, road_class="primary"),
    Feature("hubin-road", "湖滨路", "Hubin Road", "巴城镇", (
        (120.865, 31.398), (120.870, 31.430), (120.875, 31.460)),
        sensors=2, road_class="secondary"),
    Feature("jinzhou-road", "锦周公路", "Jinzhou Road", "周庄镇", (
        (120.836, 31.131), (120.870, 31.152), (120.902, 31.178)),
        sensors=1, road_class="secondary"),
    Feature("zhouzhuang-avenue", "周庄大道", "Zhouzhuang Avenue", "周庄镇", (
        (120.846, 31.117), (120.862, 31.165), (120.885, 31.222), (120.920, 31.280),
        (120.945, 31.300)), sensors=1, road_class="secondary"),
    Feature("qinfeng-road", "秦峰路", "Qinfeng Road", "千灯镇", (
        (120.992, 31.230), (120.992, 31.262), (120.992, 31.300)),
        sensors=1, road_class="secondary"),
)


@dataclass(frozen=True)
class District:
    """A demo district built as a street grid of blocks around a centre."""

    slug: str
    town: str
    postal_code: str
    centre: Point
    half_width_m: float
    half_height_m: float
    step_x_m: float
    step_y_m: float
    north_south: tuple[str, ...]  # street names, west to east
    east_west: tuple[str, ...]  # street names, south to north
    skip_streets: tuple[str, ...]  # streets a main road already draws
    tower_radius_m: float  # towers of the business centre stand within it
    estates: tuple[str, ...]  # names of residential estates
    offices: tuple[str, ...]  # names of office buildings


DISTRICTS = (
    District(
        "yushan", "玉山镇", "215300", (120.955, 31.386), 1800, 1250, 300, 250,
        ("萧林路", "西塘街", "柏庐路", "玉山路", "亭林路", "新华路", "人民路", "东塘街",
         "同丰路", "环城东路", "青阳路", "昆太路", "娄苑路"),
        ("马鞍山路", "白塘路", "震川路", "景王路", "花园路", "前进路", "朝阳路", "北门路",
         "环城北路", "华苑路", "玉城路"),
        ("人民路", "前进路"), 450,
        ("玉山花园", "亭林小区", "娄江新村", "朝阳新村", "同丰花苑", "柏庐名邸", "震川苑",
         "玉城花园", "樾河苑", "北门新村", "华苑小区", "白塘雅居", "东塘公寓", "青阳名筑"),
        ("昆山商厦", "金鹰国际", "玉山广场", "人民大厦", "前进中心", "城市之光", "昆山金融大厦",
         "朝阳国际"),
    ),
    District(
        "huaqiao", "花桥镇", "215332", (121.095, 31.302), 1200, 1000, 240, 200,
        ("花安路", "集善路", "金中路", "商银路", "金洋路", "光明路", "兆丰路", "顺杨路",
         "徐公桥路", "鸡鸣塘路", "花溪路"),
        ("天福路", "花桥路", "温州路", "蓬青路", "恒龙路", "绿地大道", "沪光路", "商祺路",
         "新生路", "和丰路", "曹安路"),
        ("光明路", "绿地大道"), 550,
        ("花桥新城", "绿地世纪城", "天福花园", "兆丰苑", "恒龙家园", "顺杨雅苑", "曹安新村",
         "和丰小区", "金洋湾", "徐公桥花园"),
        ("花桥国际金融大厦", "商务城中心", "金融港", "绿地中央广场", "中创大厦", "恒龙国际",
         "兆丰总部", "沪光大厦", "浦江国际", "花桥科创中心"),
    ),
)

# Scenic and busy spots for crowd sensors: key, name, lon, lat, sensors, town.
CROWD_SPOTS = (
    ("zhouzhuang", "周庄古镇", 120.846, 31.117, 6, "周庄镇"),
    ("qiandeng", "千灯古镇", 120.996, 31.262, 4, "千灯镇"),
    ("jinxi", "锦溪古镇", 120.902, 31.178, 4, "锦溪镇"),
    ("tinglin-park", "亭林公园", 120.948, 31.392, 3, "玉山镇"),
    ("gu-yanwu", "顾炎武故居", 120.995, 31.260, 2, "千灯镇"),
    ("civic-plaza", "昆山市民文化广场", 120.930, 31.385, 3, "玉山镇"),
    ("bacheng-old-street", "巴城老街", 120.875, 31.452, 2, "巴城镇"),
    ("kunshan-station", "昆山站", 120.950, 31.370, 2, "玉山镇"),
    ("kunshan-south-station", "昆山南站", 120.946, 31.355, 2, "玉山镇"),
    ("huaqiao-business-city", "花桥国际商务城", 121.095, 31.302, 2, "花桥镇"),
)
