"""What the demo agency holds: people, brands, goals, audiences, plans and review notes.

This is data, not interface text: brand, goal and campaign names are what a client would
type, in the brand's own language (Arabic for Qamar Coffee, English for Atlas Outdoor), so
none of it goes through gettext.  Dates are offsets from the day the demo is loaded, so a
goal that is "at risk" today is at risk whenever the demo is loaded.

Its length is data: two brands' goals, audiences, campaigns and notes in their languages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

# Printed by `flask demo` on purpose; the command refuses to run in production.
DEMO_PASSWORD = "tandem-demo-2026"  # noqa: S105
DEMO_AGENCY_SLUG = "northwind-social"
DEMO_AGENCY_NAME = "Northwind Social"
DEMO_ACCENT = "#0f766e"

QAMAR = "Qamar Coffee"
ATLAS = "Atlas Outdoor"


@dataclass(frozen=True)
class DemoBrand:
    name: str
    language: str
    timezone: str
    industry: str
    website: str


@dataclass(frozen=True)
class DemoUser:
    email: str
    name: str
    role: str
    locale: str
    brands: tuple[str, ...]  # brand names the member is assigned to


DEMO_BRANDS = (
    DemoBrand(QAMAR, "ar", "Asia/Riyadh", "Food & beverage", "https://qamar.example"),
    DemoBrand(ATLAS, "en", "Europe/London", "Outdoor retail", "https://atlas.example"),
)

OWNER_EMAIL = "owner@demo.tandem.test"
CONSULTANT_EMAIL = "consultant@demo.tandem.test"
QAMAR_LEADER_EMAIL = "leader@demo.tandem.test"
QAMAR_TEAM_EMAIL = "team@demo.tandem.test"
ATLAS_LEADER_EMAIL = "leader.atlas@demo.tandem.test"
ATLAS_TEAM_EMAIL = "team.atlas@demo.tandem.test"

DEMO_USERS = (
    DemoUser(OWNER_EMAIL, "Layla Haddad", "owner", "en", ()),
    DemoUser(CONSULTANT_EMAIL, "Omar Farouk", "consultant", "en", (QAMAR, ATLAS)),
    DemoUser(QAMAR_LEADER_EMAIL, "Sara Al-Qahtani", "client_leader", "ar", (QAMAR,)),
    DemoUser(QAMAR_TEAM_EMAIL, "Khalid Nasser", "client_team", "ar", (QAMAR,)),
    DemoUser(ATLAS_LEADER_EMAIL, "Emma Clarke", "client_leader", "en", (ATLAS,)),
    DemoUser(ATLAS_TEAM_EMAIL, "Tom Hughes", "client_team", "en", (ATLAS,)),
)


# --- dates ------------------------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    """The first day of the month ``months`` after ``day``'s month."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _months(today: date, first: int, count: int) -> tuple[date, date]:
    start = add_months(today, first)
    return start, add_months(start, count) - timedelta(days=1)


def running_period(today: date) -> tuple[date, date]:
    """Qamar Coffee's approved plan: the two months before this one and this month."""
    return _months(today, -2, 3)


def next_period(today: date) -> tuple[date, date]:
    """Qamar Coffee's next plan, in review: the three months after this one."""
    return _months(today, 1, 3)


def atlas_period(today: date) -> tuple[date, date]:
    """Atlas Outdoor's approved plan: this month and the next two (most weeks ahead)."""
    return _months(today, 0, 3)


# --- goals ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GoalSpec:
    """A goal whose latest check-in is ``completion`` % of the way, half-way through its time.

    Half the time from start to due date has passed today, so (see saas.domain.progress)
    60 % complete is on track, 33 % is at risk and 12 % is behind.
    """

    key: str
    title: str
    description: str
    metric: str
    unit: str | None
    baseline: float
    target: float
    priority: str
    owner_name: str
    completion: float  # percent of the way from baseline to target, as of the last check-in
    expected: str  # on_track | at_risk | behind: what a person sees today
    days_after_plan: int = 0  # the due date is this many days after the plan period ends
    decimals: int = 0
    notes: tuple[str, ...] = ()  # comments on the check-ins, oldest first (cycled)

    def dates(self, today: date) -> tuple[date, date]:
        """(start, due): due after every demo plan ends, start as far before today as due
        is after."""
        end = max(next_period(today)[1], atlas_period(today)[1])
        due = end + timedelta(days=self.days_after_plan)
        return today - (due - today), due

    def latest_value(self) -> float:
        return round(self.baseline + (self.target - self.baseline) * self.completion / 100, 4)

    def checkins(self, today: date) -> list[tuple[date, float, str | None]]:
        """Fortnightly values from the start to two days ago, rising (with a wobble) to the
        latest value."""
        start, _due = self.dates(today)
        last = today - timedelta(days=2)
        days = []
        day = start + timedelta(days=14)
        while day < last - timedelta(days=6):
            days.append(day)
            day += timedelta(days=14)
        days.append(last)
        latest = self.latest_value()
        out = []
        for i, day in enumerate(days):
            share = (i + 1) / len(days)
            wobble = 0.0 if i == len(days) - 1 else (0.06 if i % 2 else -0.04)
            value = self.baseline + (latest - self.baseline) * min(1.0, share + wobble * share)
            note = self.notes[i % len(self.notes)] if self.notes and i % 2 == 1 else None
            if i == len(days) - 1 and self.notes:
                note = self.notes[-1]
            out.append((day, round(value, self.decimals) if self.decimals else round(value), note))
        return out


QAMAR_GOALS = (
    GoalSpec(
        key="sales",
        title="زيادة الطلبات عبر الإنترنت بنسبة 20٪",
        description="نريد أن يأتي خُمس الطلبات الجديدة من التطبيق والموقع قبل نهاية الربع.",
        metric="الطلبات الشهرية عبر الإنترنت",
        unit="طلب",
        baseline=1200,
        target=1440,
        priority="high",
        owner_name="سارة القحطاني",
        completion=62,
        expected="on_track",
        days_after_plan=10,
        notes=("بعد عروض نهاية الأسبوع", "نمو ثابت من تطبيق الطلبات"),
    ),
    GoalSpec(
        key="awareness",
        title="أن تكون قمر أول قهوة يتذكرها شباب الرياض",
        description="يُقاس بالاستبيان الشهري للوعي المُساعَد بين الفئة العمرية 18–34.",
        metric="الوعي المُساعَد بالعلامة",
        unit="٪",
        baseline=18,
        target=25,
        priority="medium",
        owner_name="خالد ناصر",
        completion=33,
        expected="at_risk",
        days_after_plan=25,
        decimals=1,
        notes=("نتائج استبيان الشهر", "تأخر إطلاق حملة التشويق"),
    ),
    GoalSpec(
        key="care",
        title="الرد على كل عميل خلال ساعة",
        description="متوسط زمن الرد الأول على الرسائل والتعليقات في جميع القنوات.",
        metric="متوسط زمن الرد الأول",
        unit="دقيقة",
        baseline=240,
        target=60,
        priority="high",
        owner_name="خالد ناصر",
        completion=12,
        expected="behind",
        days_after_plan=0,
        notes=("فريق الرد يعمل في الفترة الصباحية فقط", "لا يوجد مناوب مسائي بعد"),
    ),
    GoalSpec(
        key="community",
        title="الوصول إلى 50 ألف متابع على إنستغرام",
        description="مجتمع محلي يتفاعل مع المحتوى اليومي من المحامص والفروع.",
        metric="متابعو إنستغرام",
        unit=None,
        baseline=32000,
        target=50000,
        priority="low",
        owner_name="خالد ناصر",
        completion=55,
        expected="on_track",
        days_after_plan=40,
    ),
)

ATLAS_GOALS = (
    GoalSpec(
        key="sales",
        title="Grow social-led online sales by 25%",
        description="Revenue from orders whose last click came from a social network.",
        metric="Monthly online revenue from social",
        unit="£",
        baseline=40000,
        target=50000,
        priority="high",
        owner_name="Emma Clarke",
        completion=64,
        expected="on_track",
        days_after_plan=15,
        notes=("Kit guides started converting", "Best month since launch"),
    ),
    GoalSpec(
        key="community",
        title="Grow the Atlas Trail Club to 2,000 members",
        description="Members who joined the club in the app and logged at least one run.",
        metric="Trail Club members",
        unit="members",
        baseline=800,
        target=2000,
        priority="medium",
        owner_name="Tom Hughes",
        completion=31,
        expected="at_risk",
        days_after_plan=30,
        notes=("Sign-ups slowed after the spring race", "Challenge launch still to come"),
    ),
    GoalSpec(
        key="care",
        title="Answer every customer message within two hours",
        description="Median time to the first human reply across Facebook, Instagram and email.",
        metric="Median first response",
        unit="hours",
        baseline=9,
        target=2,
        priority="high",
        owner_name="Tom Hughes",
        completion=11,
        expected="behind",
        days_after_plan=0,
        decimals=1,
        notes=("Weekend messages wait until Monday", "Still no weekend cover"),
    ),
    GoalSpec(
        key="newsletter",
        title="Add 3,000 newsletter subscribers from social",
        description="Sign-ups to the Gear Drop newsletter that came from a social post or ad.",
        metric="Newsletter sign-ups from social",
        unit=None,
        baseline=0,
        target=3000,
        priority="low",
        owner_name="Emma Clarke",
        completion=58,
        expected="on_track",
        days_after_plan=20,
    ),
)


# --- audiences --------------------------------------------------------------------------------


@dataclass(frozen=True)
class AudienceSpec:
    key: str
    name: str
    description: str
    networks: tuple[tuple[str, float], ...]
    engages: str


QAMAR_AUDIENCES = (
    AudienceSpec(
        key="young",
        name="شباب الرياض العاملون",
        description="موظفون وطلاب دراسات عليا بين 22 و34 عامًا يشترون قهوتهم في الطريق إلى العمل.",
        networks=(("instagram", 55.0), ("tiktok", 30.0), ("snapchat", 10.0), ("x", 5.0)),
        engages="نساء ورجال بين 25 و34 عامًا يردّون على الاستطلاعات ويعلّقون على مقاطع "
        "ما وراء الكواليس في المحمصة.",
    ),
    AudienceSpec(
        key="families",
        name="العائلات التي تطلب في عطلة نهاية الأسبوع",
        description="أسر في شمال الرياض تطلب القهوة والحلويات للتجمعات العائلية.",
        networks=(("facebook", 40.0), ("instagram", 25.0), ("whatsapp", 25.0), ("snapchat", 10.0)),
        engages="آباء وأمهات يشاركون العروض في مجموعات واتساب العائلية ويسألون عن التوصيل.",
    ),
)

ATLAS_AUDIENCES = (
    AudienceSpec(
        key="runners",
        name="Weekend trail runners",
        description="Runners aged 28–45 in the UK who race off-road two or three times a year.",
        networks=(("instagram", 45.0), ("youtube", 25.0), ("tiktok", 20.0), ("facebook", 10.0)),
        engages="Runners who save route guides, answer kit questions in the comments and "
        "share their Sunday long run in Stories.",
    ),
    AudienceSpec(
        key="campers",
        name="Family campers",
        description="Parents planning school-holiday camping trips in the UK and Ireland.",
        networks=(("facebook", 50.0), ("instagram", 25.0), ("pinterest", 15.0), ("youtube", 10.0)),
        engages="Parents who click through packing checklists, ask about sizes and tag a "
        "partner on tent reviews.",
    ),
)


# --- plans ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CampaignSpec:
    key: str
    name: str
    networks: tuple[str, ...]
    format: str
    objective: str
    kpi: str | None
    kpi_baseline: float | None
    kpi_target: float | None
    audience: str | None  # an AudienceSpec key
    start: int  # days from the plan's first day (negative: before it)
    end: int | None  # days from the plan's first day; None: the plan's last day
    rationale: str | None
    budget: float | None
    goals: tuple[tuple[str, float | None], ...]  # (GoalSpec key, contribution)
    # The calendar: (network, a post every n days, the post numbers left out, from 0); by
    # default a post a week on every network.
    rhythm: tuple[tuple[str, int, tuple[int, ...]], ...] = ()
    pillar: str | None = None
    briefs: tuple[str, ...] = ()

    def dates(self, period: tuple[date, date]) -> tuple[date, date]:
        first, last = period
        start = first + timedelta(days=self.start)
        end = last if self.end is None else min(last, first + timedelta(days=self.end))
        return start, end


@dataclass(frozen=True)
class PlanSpec:
    title: str
    campaigns: tuple[CampaignSpec, ...]
    note: str | None = None


def every(network: str, days: int, *skip: int) -> tuple[str, int, tuple[int, ...]]:
    """A post on ``network`` every ``days`` days, leaving out the posts numbered ``skip``."""
    return (network, days, skip)


# The quarter running now, approved: what the client leader (who sees decided plans only)
# finds in her plans list and content calendar, and what her report covers.
QAMAR_RUNNING = PlanSpec(
    title="خطة قمر للتواصل الاجتماعي: الربع الحالي",
    campaigns=(
        CampaignSpec(
            key="branch-diaries",
            name="يوميات فروع قمر",
            networks=("instagram", "tiktok", "snapchat"),
            format="short_video",
            objective="community",
            kpi="followers",
            kpi_baseline=32000,
            kpi_target=50000,
            audience="young",
            start=0,
            end=None,
            rationale="محتوى دائم يبني المجتمع حول الفروع والمحمصة، ويُراجع كل شهر.",
            budget=9000,
            goals=(("community", 1.0),),
            rhythm=(every("instagram", 7), every("tiktok", 12), every("snapchat", 12)),
            pillar="يوميات",
            briefs=(
                "صباح الخير من فرع العليا: أول كوب في اليوم.",
                "تعرّف على فريق المحمصة في دقيقة.",
                "سؤال الأسبوع: ما قهوتك المفضلة بعد العصر؟",
                "جولة سريعة في الفرع الجديد في حي النرجس.",
            ),
        ),
        CampaignSpec(
            key="saudi-beans",
            name="حكاية البن السعودي",
            networks=("instagram", "tiktok"),
            format="short_video",
            objective="awareness",
            kpi="reach",
            kpi_baseline=90000,
            kpi_target=150000,
            audience="young",
            start=30,
            end=85,
            rationale="ثمانية أسابيع، مقطع كل أسبوع من مزارع جازان إلى الكوب.",
            budget=11000,
            goals=(("awareness", 0.5),),
            # Two quiet weeks on TikTok while the farm films are edited: the one finding
            # the consultant accepted when approving the plan.
            rhythm=(every("instagram", 7), every("tiktok", 7, 3, 4)),
            pillar="قصة البن",
            briefs=(
                "من مزارع جازان: موسم قطف البن الخولاني.",
                "كيف نحمّص البن السعودي في قمر؟",
                "اختبار التذوق: البن السعودي مقابل الإثيوبي.",
            ),
        ),
        CampaignSpec(
            key="app-orders",
            name="اطلب من التطبيق",
            networks=("instagram", "snapchat"),
            format="ad",
            objective="conversions",
            kpi="conversions",
            kpi_baseline=1200,
            kpi_target=1440,
            audience="young",
            start=14,
            end=58,
            rationale="ستة أسابيع من الإعلانات مع كود خصم للطلب الأول من التطبيق.",
            budget=14000,
            goals=(("sales", 0.6),),
            rhythm=(every("instagram", 7), every("snapchat", 7)),
            pillar="عروض",
            briefs=("كود خصم للطلب الأول: قمر15.", "اطلب قهوتك قبل أن تصل إلى المكتب."),
        ),
        CampaignSpec(
            key="comment-care",
            name="الرد على التعليقات والرسائل",
            networks=("facebook", "instagram"),
            format="message",
            objective="customer_care",
            kpi="response_time",
            kpi_baseline=240,
            kpi_target=60,
            audience="families",
            start=0,
            end=None,
            rationale="خدمة العملاء تستمر طوال الربع، ونراجع الهدف كل شهر.",
            budget=4000,
            goals=(("care", 1.0),),
            rhythm=(every("facebook", 7), every("instagram", 7)),
            pillar="خدمة العملاء",
            briefs=("ردود جاهزة لأسئلة التوصيل والفروع.", "ساعات الرد في عطلة نهاية الأسبوع."),
        ),
    ),
)

QAMAR_REVISION_1 = PlanSpec(
    title="خطة قمر للتواصل الاجتماعي: الربع القادم",
    campaigns=(
        CampaignSpec(
            key="summer-teaser",
            name="تشويق القهوة الباردة",
            networks=("instagram", "tiktok", "linkedin"),
            format="short_video",
            objective="awareness",
            kpi="link_clicks",
            kpi_baseline=None,
            kpi_target=5000,
            audience="young",
            start=-7,
            end=40,
            rationale=None,
            budget=12000,
            goals=(("awareness", 0.6),),
            rhythm=(every("instagram", 7), every("tiktok", 7)),
            pillar="خلف الكواليس",
            briefs=(
                "مقطع قصير: من حبوب البن إلى كوب القهوة الباردة في 15 ثانية.",
                "كواليس المحمصة: باريستا قمر يشرح طريقة التخمير البارد.",
                "عدّ تنازلي لإطلاق نكهة الهيل الباردة.",
            ),
        ),
        CampaignSpec(
            key="story-polls",
            name="استطلاعات القصص: اختر نكهتك",
            networks=("instagram",),
            format="story",
            objective="engagement",
            kpi="views",
            kpi_baseline=3000,
            kpi_target=6000,
            audience=None,
            start=3,
            end=5,
            rationale="عطلة نهاية أسبوع طويلة.",
            budget=1500,
            goals=(("sales", 0.1),),
            rhythm=(every("instagram", 1),),
            pillar="تفاعل",
            briefs=("استطلاع: هيل أم زعفران؟", "استطلاع: حار أم بارد؟"),
        ),
        CampaignSpec(
            key="family-weekends",
            name="عروض العائلة في عطلة نهاية الأسبوع",
            networks=("facebook", "instagram", "whatsapp"),
            format="carousel",
            objective="conversions",
            kpi="revenue",
            kpi_baseline=80000,
            kpi_target=110000,
            audience="families",
            start=14,
            end=58,
            rationale="ستة أسابيع من العروض قبل عطلة المدارس.",
            budget=18000,
            goals=(("sales", 0.5),),
            rhythm=(every("facebook", 7, 1, 2, 3), every("instagram", 7), every("whatsapp", 7)),
            pillar="عروض",
            briefs=(
                "عرض الجمعة: صندوق القهوة العائلي مع توصيل مجاني.",
                "دليل الطلب الجماعي عبر التطبيق في ثلاث خطوات.",
                "حلويات الويكند مع كل طلب قهوة لأربعة أشخاص.",
            ),
        ),
    ),
)

QAMAR_REVISION_2 = PlanSpec(
    title="خطة قمر للتواصل الاجتماعي: الربع القادم",
    note="عدّلنا الخطة حسب ملاحظات المراجعة: أضفنا مكتب خدمة العملاء عبر واتساب، وقسنا "
    "التشويق بالوصول، ومددنا استطلاعات القصص إلى شهر، وسددنا فجوة فيسبوك.",
    campaigns=(
        CampaignSpec(
            key="summer-teaser",
            name="تشويق القهوة الباردة",
            networks=("instagram", "tiktok"),
            format="short_video",
            objective="awareness",
            kpi="reach",
            kpi_baseline=120000,
            kpi_target=200000,
            audience="young",
            start=-7,
            end=40,
            rationale="سبعة أسابيع تكفي ليرى الجمهور التشويق ثلاث إلى أربع مرات قبل الإطلاق.",
            budget=12000,
            goals=(("awareness", 0.6),),
            rhythm=(every("instagram", 7), every("tiktok", 7)),
            pillar="خلف الكواليس",
            briefs=(
                "مقطع قصير: من حبوب البن إلى كوب القهوة الباردة في 15 ثانية.",
                "كواليس المحمصة: باريستا قمر يشرح طريقة التخمير البارد.",
                "عدّ تنازلي لإطلاق نكهة الهيل الباردة.",
            ),
        ),
        CampaignSpec(
            key="story-polls",
            name="استطلاعات القصص: اختر نكهتك",
            networks=("instagram",),
            format="story",
            objective="engagement",
            kpi="replies",
            kpi_baseline=300,
            kpi_target=600,
            audience="young",
            start=3,
            end=32,
            rationale="شهر من الاستطلاعات الأسبوعية لنعرف أي النكهات نروّج لها.",
            budget=1500,
            goals=(("sales", 0.1),),
            rhythm=(every("instagram", 7),),
            pillar="تفاعل",
            briefs=("استطلاع: هيل أم زعفران؟", "استطلاع: حار أم بارد؟", "صوّت لنكهة الشهر."),
        ),
        CampaignSpec(
            key="family-weekends",
            name="عروض العائلة في عطلة نهاية الأسبوع",
            networks=("facebook", "instagram", "whatsapp"),
            format="carousel",
            objective="conversions",
            kpi="conversions",
            kpi_baseline=900,
            kpi_target=1100,
            audience="families",
            start=14,
            end=58,
            rationale="ستة أسابيع من العروض قبل عطلة المدارس.",
            budget=18000,
            goals=(("sales", 0.5),),
            rhythm=(every("facebook", 7), every("instagram", 7), every("whatsapp", 7)),
            pillar="عروض",
            briefs=(
                "عرض الجمعة: صندوق القهوة العائلي مع توصيل مجاني.",
                "دليل الطلب الجماعي عبر التطبيق في ثلاث خطوات.",
                "حلويات الويكند مع كل طلب قهوة لأربعة أشخاص.",
            ),
        ),
        CampaignSpec(
            key="care-desk",
            name="مكتب خدمة العملاء عبر واتساب",
            networks=("whatsapp", "facebook"),
            format="message",
            objective="customer_care",
            kpi="response_time",
            kpi_baseline=240,
            kpi_target=60,
            audience="families",
            start=0,
            end=None,
            rationale="خدمة العملاء تستمر طوال الربع، ونراجع الهدف كل شهر.",
            budget=6000,
            goals=(("care", 1.0),),
            rhythm=(every("whatsapp", 7), every("facebook", 7)),
            pillar="خدمة العملاء",
            briefs=(
                "رسالة ترحيب آلية مع وعد بالرد خلال ساعة.",
                "ردود جاهزة لأسئلة التوصيل والفروع.",
            ),
        ),
    ),
)

ATLAS_PLAN = PlanSpec(
    title="Atlas Outdoor summer social plan",
    campaigns=(
        CampaignSpec(
            key="summer-trails",
            name="Summer Trail Series",
            networks=("instagram", "youtube", "tiktok"),
            format="short_video",
            objective="awareness",
            kpi="reach",
            kpi_baseline=150000,
            kpi_target=250000,
            audience="runners",
            start=0,
            end=55,
            rationale="Eight weekly trail films, one per national park, before the August break.",
            budget=15000,
            goals=(("community", 0.4),),
            rhythm=(every("instagram", 7), every("youtube", 12), every("tiktok", 12)),
            pillar="Trail stories",
            briefs=(
                "Dawn on the Dark Peak: a 40-second film of the Kinder Scout loop.",
                "Snowdonia ridge run with a Trail Club member.",
                "Lake District: the route, the kit, the café at the end.",
            ),
        ),
        CampaignSpec(
            key="trail-club",
            name="Trail Club Challenge",
            networks=("instagram", "facebook"),
            format="post",
            objective="community",
            kpi="community_growth",
            kpi_baseline=800,
            kpi_target=2000,
            audience="runners",
            start=7,
            end=None,
            rationale="A twelve-week distance challenge with a monthly prize draw.",
            budget=6000,
            goals=(("community", 0.6),),
            rhythm=(every("instagram", 7), every("facebook", 12)),
            pillar="Community",
            briefs=(
                "Leaderboard of the week and a shout-out to the top three.",
                "Member story: from couch to first ultra.",
                "Prize draw reminder: log a run to enter.",
            ),
        ),
        CampaignSpec(
            key="kit-guides",
            name="Kit Guides That Sell",
            networks=("instagram", "pinterest"),
            format="carousel",
            objective="conversions",
            kpi="conversions",
            kpi_baseline=600,
            kpi_target=800,
            audience="campers",
            start=14,
            end=60,
            rationale="Seven weeks of packing lists timed to the school holidays.",
            budget=12000,
            goals=(("sales", 0.6),),
            rhythm=(every("instagram", 7), every("pinterest", 12)),
            pillar="Kit advice",
            briefs=(
                "Family tent checklist: what fits in a hatchback.",
                "Five layers for a wet weekend in Wales.",
                "Kids' kit that survives a muddy campsite.",
            ),
        ),
        CampaignSpec(
            key="gear-drop",
            name="Gear Drop newsletter sign-ups",
            networks=("facebook", "instagram"),
            format="ad",
            objective="leads",
            kpi="leads",
            kpi_baseline=0,
            kpi_target=3000,
            audience="campers",
            start=3,
            end=59,
            rationale="Two months of lead ads while the summer range is new.",
            budget=8000,
            goals=(("newsletter", 1.0),),
            rhythm=(every("facebook", 12), every("instagram", 12)),
            pillar="Newsletter",
            briefs=("Lead ad: first look at the summer range.", "Lead ad: members-only prices."),
        ),
        CampaignSpec(
            key="ask-atlas",
            name="Ask Atlas care desk",
            networks=("facebook", "instagram"),
            format="message",
            objective="customer_care",
            kpi="response_time",
            kpi_baseline=9,
            kpi_target=2,
            audience="campers",
            start=1,
            end=None,
            rationale="Care runs all season; the response target is reviewed every month.",
            budget=5000,
            goals=(("care", 1.0),),
            rhythm=(every("facebook", 12), every("instagram", 12)),
            pillar="Care",
            briefs=("Saved replies for sizing questions.", "Weekend cover rota announcement."),
        ),
    ),
)


# --- the reviews ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Comment:
    body: str
    shared: bool
    campaign: str | None = None  # a CampaignSpec key
    goal: str | None = None  # a GoalSpec key


@dataclass(frozen=True)
class ReviewSpec:
    verdict: str
    recommendations: str
    comments: tuple[Comment, ...]
    # rule id -> the consultant's reason for dismissing it; every other finding is accepted.
    dismiss: dict[str, str] = field(default_factory=dict)


QAMAR_REVIEW_1 = ReviewSpec(
    verdict="needs_changes",
    recommendations=(
        "١. أضيفوا حملة لخدمة العملاء عبر واتساب تخدم هدف «الرد على كل عميل خلال ساعة».\n"
        "٢. قيسوا حملة التشويق بالوصول بدل النقرات، مع قيمة أساس واضحة، واذكروا سبب مدتها.\n"
        "٣. اجعلوا استطلاعات القصص شهرًا كاملًا لجمهور الشباب، وقيسوها بالردود.\n"
        "٤. املؤوا فجوة فيسبوك في عروض العائلة."
    ),
    comments=(
        Comment(
            "خطة قوية في العروض العائلية؛ ينقصها قياس واضح للتشويق، ولا شيء فيها لخدمة العملاء.",
            shared=True,
        ),
        Comment(
            "لينكدإن لا يصل إلى جمهور الشباب في الرياض: انقلوا ميزانيته إلى تيك توك.",
            shared=True,
            campaign="summer-teaser",
        ),
        Comment(
            "هدف الرد خلال ساعة هو الأعلى أولوية ولا تخدمه أي حملة بعد. نقترح مكتب خدمة عبر "
            "واتساب طوال الربع.",
            shared=True,
            goal="care",
        ),
        Comment(
            "Sara wants the TikTok budget confirmed before we approve; check with finance "
            "before revision 2 comes in.",
            shared=False,
        ),
        Comment(
            "The Facebook gap is the client's designer on leave in week three: ask whether our "
            "freelancer can cover it.",
            shared=False,
            campaign="family-weekends",
        ),
    ),
    dismiss={
        "outside_plan_period": "التشويق يبدأ قبل الخطة بأسبوع عن قصد، ليسبق إطلاق النكهة الجديدة.",
        "goal_uncovered:community": "هدف المتابعين تخدمه «يوميات فروع قمر» في خطة الربع "
        "الحالي، وتستمر بعده.",
    },
)

QAMAR_RUNNING_REVIEW = ReviewSpec(
    verdict="aligned",
    recommendations=(
        "معتمدة. كل هدف تخدمه حملة، وكل حملة تعرف كيف تُقاس.\n"
        "راقبوا زمن الرد كل أسبوع: هو الهدف الأبعد عن المسار، ويحتاج إلى مناوب مسائي.\n"
        "لا أحد في الفريق تجاوز مستوى «مطّلع» في تيك توك والفيديو القصير: حجزنا ورشة مع "
        "الوكالة لسدّ هذه الفجوة قبل حملة «حكاية البن السعودي»."
    ),
    comments=(
        Comment(
            "إيقاع ثابت ومناسب لجمهور الشباب؛ استمروا في نشر مقطع واحد على الأقل كل أسبوع.",
            shared=True,
            campaign="branch-diaries",
        ),
        Comment(
            "الحملة موجودة لكن الفريق يرد صباحًا فقط: القرار المطلوب هو مناوب مسائي.",
            shared=True,
            goal="care",
        ),
        Comment(
            "Renewal conversation due next month: lead with the awareness numbers.",
            shared=False,
        ),
    ),
)

ATLAS_REVIEW = ReviewSpec(
    verdict="aligned",
    recommendations=(
        "Approved. Keep the weekly rhythm on Instagram, and report the care desk's response "
        "time every month: it is the goal furthest behind.\n"
        "Next quarter: give the Trail Club its own short-video series."
    ),
    comments=(
        Comment(
            "Every goal is served and every campaign says how it will be measured. Well done.",
            shared=True,
        ),
        Comment(
            "Weekend cover for the care desk is the difference between behind and on track.",
            shared=True,
            goal="care",
        ),
        Comment(
            "Upsell: propose a paid Trail Club ambassador programme at the quarterly review.",
            shared=False,
        ),
    ),
    dismiss={},
)

QAMAR_SHARE_LABEL = "للرئيس التنفيذي"
SHARE_DAYS = 30
