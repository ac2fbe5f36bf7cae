"""Realistic, varied Chinese text for synthetic applications, from phrase lists and a seeded RNG.

Nothing here contains an ASCII colon, `#`, a tab or a control character, so every phrase is
safe as a plain YAML scalar and inside `|` blocks.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

FIELDS = (
    "机械工程 农学 药学 地质 环境科学 计算机 气象 水利 电力 中医药 土木建筑 化学化工 物理 数学 "
    "生物工程 医学 护理 营养 林学 园艺 畜牧兽医 水产 植物保护 土壤肥料 作物 种子 茶叶 蚕桑 "
    "食品科学技术 粮油 纺织工程 造纸 印刷 包装 材料研究 金属 铸造 焊接 热处理 腐蚀与防护 汽车工程 "
    "航空航天 船舶工程 铁道 公路 交通运输 测绘地理信息 遥感 地理 地球物理 湖泊 湿地 生态 "
    "野生动植物保护 风景园林 城市规划 建筑 给水排水 暖通空调 电子 通信 自动化 仪器仪表 人工智能 软件 "
    "信息安全 大数据 光学 激光 声学 力学 核学 能源研究 新能源 节能 煤炭 石油 天然气 稀土 硅酸盐 "
    "水泥 陶瓷 玻璃 塑料 橡胶 涂料 科普作家 科技新闻 科技史 自然辩证法 心理 康复医学 预防医学 "
    "口腔医学 眼科 麻醉 医院管理 卫生经济 药理 中西医结合 针灸 老年医学 体育科学 运动医学 "
    "青少年科技教育 图书馆 档案 标准化 计量测试 质量管理 知识产权 技术经济 管理科学 系统工程 运筹 "
    "统计 未来研究 生态经济 农业经济 水土保持 防灾减灾 消防 安全生产 职业安全健康"
).split()
REGIONS = ("湖北省 武汉市 黄石市 十堰市 宜昌市 襄阳市 鄂州市 荆门市 孝感市 荆州市 黄冈市 咸宁市 "
           "随州市 恩施州 仙桃市 潜江市 天门市").split()
SUFFIXES = ("学会", "研究会", "协会")
ORG_KINDS = ("党支部", "党支部", "功能型党支部", "党总支", "联合党支部")
PLACES = "武汉 宜昌 襄阳 十堰 荆州 黄冈 恩施 孝感 咸宁 随州 荆门 鄂州 黄石 仙桃 潜江 天门 神农架".split()
SURNAMES = ("王 李 张 刘 陈 杨 黄 赵 吴 周 徐 孙 马 朱 胡 郭 何 高 林 罗 郑 梁 谢 宋 唐 许 韩 冯 邓 曹 "
            "彭 曾 肖 田 董 袁 潘 于 蒋 蔡 余 杜 叶 程 苏 魏 吕 丁 任 沈 姚 卢 姜 崔 钟 谭 陆 汪 范 金").split()
GIVEN = ("伟 芳 娜 敏 静 丽 强 磊 军 洋 勇 艳 杰 娟 涛 明 超 秀 霞 平 刚 桂 华 建 国 志 文 斌 辉 "
         "凯 鹏 宇 浩 婷 雪 琳 晨 欣 然 博 帆 晓 梅 振 东 卫 红 玲 峰 海 波 毅 俊 琴 兰 清 宁 远 "
         "立 新 春 秋 冬 林 松 柏 悦 怡 嘉 思 佳 阳 光 启 航 睿 哲").split()

SUBTYPES = {
    "阵地建设": ("党员之家", "网上党员会员之家", "教育培训基地", "实践基地"),
    "特色活动": ("党建+智库", "党建+学术", "党建+科普", "党建+人才", "党建+协作"),
}
ACTIVITIES = {
    "党员之家": ("党员之家", "党员活动室", "党建阅览角", "科技工作者之家"),
    "网上党员会员之家": ("网上党员会员之家", "线上学习平台", "微信公众号党建专栏", "云上党课"),
    "教育培训基地": ("党员教育培训基地", "青年科技工作者培训营", "红色教育研学课堂"),
    "实践基地": ("党员实践基地", "科技服务站", "专家工作站", "志愿服务基地"),
    "党建+智库": ("决策咨询专题调研", "建言献策座谈会", "科技智库论坛"),
    "党建+学术": ("青年学术沙龙", "学术年会党建分论坛", "前沿技术研讨会"),
    "党建+科普": ("科普讲座", "科普进社区活动", "科普进校园活动", "科普大篷车巡展"),
    "党建+人才": ("青年人才托举沙龙", "导师帮带结对活动", "优秀科技工作者事迹宣讲"),
    "党建+协作": ("学会联建共建活动", "校企协作对接会", "院地合作服务行"),
}
THEMES = ("迎接党的二十大胜利召开", "学习贯彻习近平新时代中国特色社会主义思想", "弘扬科学家精神",
          "服务乡村振兴战略", "助力高水平科技自立自强", "推动学会治理现代化", "建设科技强省",
          "服务碳达峰碳中和目标", "服务人民生命健康", "提升全民科学素质", "促进产学研深度融合",
          "加强科技工作者思想政治引领", "传承红色基因", "服务长江大保护")
AUDIENCES = ("青年科技工作者", "基层农技人员", "中小学生", "社区居民", "企业技术骨干", "高校师生",
             "乡村医生", "老年群众", "会员单位职工", "离退休老专家", "新入会会员", "一线工程技术人员")
BENEFITS = ("把党的政治优势转化为学会的发展优势", "增强科技工作者的政治认同和思想认同",
            "提升学会服务会员、服务社会的能力", "扩大党的工作在科技界的覆盖面和影响力",
            "推动党建工作与业务工作深度融合", "发挥党员专家的示范带动作用",
            "凝聚广大科技工作者听党话、跟党走", "形成可复制、可推广的学会党建工作经验",
            "打造学会党建工作的特色品牌", "为我省经济社会高质量发展贡献学会力量")
MEASURES = ("成立由支部书记任组长、秘书长任副组长的项目工作组，明确分工、压实责任",
            "每次活动悬挂党旗、使用“党建强会计划”统一标识，党员佩戴党徽",
            "活动开始前由党员专家讲授不少于二十分钟的微党课",
            "建立签到、影像、纪要三类活动档案，活动结束后一周内完成简讯报送",
            "项目经费实行专账管理、专款专用，严格按预算执行，接受监事会监督",
            "邀请理事单位和支撑单位共同参与，争取场地、人员和技术支持",
            "组织党员骨干组成志愿服务队，深入基层一线开展服务",
            "对照预期目标逐项建立台账，每季度召开一次推进会检查进度",
            "依托学会官网、微信公众号和湖北学会服务网及时宣传报道活动情况",
            "邀请省科协科技社团党委和上级党组织对项目实施进行指导")
PRAISE = ("政治站位高", "特色鲜明", "组织有力", "措施具体", "成效明显", "群众满意度高",
          "档案资料齐全", "宣传报道及时", "党员作用发挥充分")
BUDGET_ITEMS = (
    ("专家劳务费", "党员专家授课及咨询劳务，按省科协专家咨询费标准发放"),
    ("会议场地及设备租赁", "活动场地、投影和音响设备租赁"),
    ("资料印制", "宣传册、学习资料及“党建强会计划”标识背景板印制"),
    ("差旅费", "赴各地开展活动的城市间交通和住宿"),
    ("宣传费", "活动摄影摄像、简讯制作及新媒体推送"),
    ("设施设备购置", "书报架、展示柜、学习桌椅等阵地设施"),
    ("平台建设费", "线上学习平台栏目开发与维护"),
    ("科普展品制作", "科普展板、实物模型和互动展品制作"),
    ("培训费", "党员骨干和青年会员培训的教材与课时费"),
    ("志愿服务保障", "志愿者保险、交通及餐费补助"),
)
NEWS_PLATFORMS = ("省科协官网", "湖北学会服务网", "学会党建工作简报", "学会微信公众号")


@dataclass(frozen=True)
class Topic:
    """What one application is about: the slots the sentence templates fill."""

    society: str
    field: str
    subtype: str
    activity: str
    theme: str
    audience: str
    places: tuple[str, ...]


class Writer:
    """Sentences, paragraphs and names drawn from the phrase lists with one seeded RNG."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def pick(self, items: tuple[str, ...] | list[str]) -> str:
        return items[self.rng.randrange(len(items))]

    def person(self) -> str:
        given = self.pick(GIVEN) + (self.pick(GIVEN) if self.rng.random() < 0.7 else "")
        return self.pick(SURNAMES) + given

    def topic(self, society: str, field: str, subtype: str) -> Topic:
        places = tuple(self.rng.sample(PLACES, 3))
        return Topic(society, field, subtype, self.pick(ACTIVITIES[subtype]), self.pick(THEMES),
                     self.pick(AUDIENCES), places)

    def sentences(self, t: Topic) -> tuple[str, ...]:
        r = self.rng
        return (
            f"{t.field}是事关我省经济社会发展的重要领域，学会现有个人会员{r.randint(3, 60) * 100}余人，"
            f"其中党员{r.randint(12, 400)}名，分布在{'、'.join(t.places)}等地的高校、科研院所和企业。",
            f"围绕{t.theme}这条主线，学会党组织以“{t.activity}”为载体，{self.pick(BENEFITS)}。",
            f"开展本项目，是学会党组织{self.pick(BENEFITS)}的具体举措，也有利于{self.pick(BENEFITS)}。",
            f"项目聚焦{t.audience}的实际需求，在{t.places[0]}、{t.places[1]}两地先行试点，"
            f"再向{t.places[2]}等地推广。",
            "坚持“党组织牵头、党员领衔、会员唱主角”的工作思路，做到一地一主题、一期一成果。",
            f"{self.pick(MEASURES)}，确保各项工作有部署、有落实、有成效。",
            f"计划全年依托{t.activity}开展活动{r.randint(3, 12)}场次，直接服务{t.audience}"
            f"{r.randint(2, 30) * 100}人次以上。",
            f"通过项目实施，{self.pick(BENEFITS)}，使学会成为{t.audience}信得过、离不开的“科技工作者之家”。",
            f"近年来，学会党组织先后获评“{self.pick(REGIONS)}先进基层党组织”等称号，"
            f"为本项目奠定了良好基础。",
            "针对以往活动中存在的覆盖面不广、党的元素不够突出等问题，本项目在组织方式和宣传报道方面"
            "作了专门安排。",
            f"项目完成后，将形成《{t.field}{t.activity}工作案例汇编》一册，报送省科协和有关部门参考。",
            f"学会将以本项目为契机，进一步健全党组织参与学会重大事项决策的机制，{self.pick(BENEFITS)}。",
        )

    def sentence(self, t: Topic) -> str:
        return self.pick(self.sentences(t))

    def paragraph(self, t: Topic, sentences: int) -> str:
        """`sentences` different sentences (no template twice in one paragraph)."""
        return "".join(self.rng.sample(self.sentences(t), sentences))

    def paragraphs(self, t: Topic, count: int, sentences: int = 2) -> str:
        return "\n\n".join(self.paragraph(t, sentences) for _ in range(count))

    def measures(self, t: Topic) -> str:
        steps = self.rng.sample(MEASURES, 3)
        labels = ("一是", "二是", "三是")
        why = (self.sentence(t), self.sentence(t), "")
        return "\n\n".join(f"{label}{step}。{reason}"
                             for label, step, reason in zip(labels, steps, why, strict=True))

    def goals(self, t: Topic) -> list[str]:
        r = self.rng
        first = (f"建成{t.activity}1处，配备学习书报不少于{r.randint(2, 10) * 100}册"
                 if t.subtype in SUBTYPES["阵地建设"] else f"开展{t.activity}不少于{r.randint(3, 10)}场")
        goals = [first,
                 f"服务{t.audience}不少于{r.randint(3, 30) * 100}人次",
                 f"在{self.pick(NEWS_PLATFORMS)}等平台发布活动简讯不少于{r.randint(2, 5)}篇",
                 f"形成《{t.field}{t.activity}工作案例汇编》1册",
                 f"发展或培养入党积极分子不少于{r.randint(1, 6)}名"]
        return goals[: r.randint(3, 5)]

    def plan(self, t: Topic) -> list[tuple[str, str]]:
        months = ("2022-06", "2022-07", "2022-08至2022-09", "2022-10至2022-11", "2022-12")
        contents = (f"召开党组织会议研究部署，制定实施方案，成立项目工作组，确定{t.activity}选题和主讲党员专家",
                    f"在{t.places[0]}启动项目，依托{t.activity}同步开展“七一”主题党日活动",
                    f"在{t.places[1]}、{t.places[2]}组织开展系列活动，邀请{t.audience}广泛参与",
                    "结合学习宣传党的二十大精神，深入基层开展服务，总结阶段性经验",
                    "整理活动档案，完成项目总结和财务总结，按要求报送结题材料")
        return list(zip(months, contents, strict=True))

    def opinion(self, t: Topic) -> str:
        return f"{self.pick(PRAISE)}，{self.pick(PRAISE)}。{self.sentence(t)}"
