"""What each finding says, in English and Arabic: a message, a fix that teaches, a description.

A pure catalogue (no gettext, no Flask) so the engine, the worker and the PDF renderer can
all render a stored finding from its rule id and params.  Placeholders are ``{name}``; the
vocabulary ids in params (network, objective, kpi, priority, lists of KPIs) are shown with
their labels in the requested language.  Arabic wording follows the product word list
(ملاحظة، الحملة، هدف الشركة، المواءمة، الجمهور المستهدف، روزنامة المحتوى).

Its length is the catalogue itself: two languages of message, fix and description per rule.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

LOCALES = ("en", "ar")

# Unicode first-strong isolate / pop directional isolate: the plain-text <bdi>, so a Latin
# campaign name inside an Arabic sentence keeps its own direction.
_FSI, _PDI = "\u2068", "\u2069"

LABELS: dict[str, dict[str, dict[str, str]]] = {
    "network": {
        "en": {
            "instagram": "Instagram",
            "tiktok": "TikTok",
            "x": "X",
            "facebook": "Facebook",
            "linkedin": "LinkedIn",
            "youtube": "YouTube",
            "snapchat": "Snapchat",
            "pinterest": "Pinterest",
            "threads": "Threads",
            "whatsapp": "WhatsApp",
        },
        "ar": {
            "instagram": "إنستغرام",
            "tiktok": "تيك توك",
            "x": "إكس",
            "facebook": "فيسبوك",
            "linkedin": "لينكدإن",
            "youtube": "يوتيوب",
            "snapchat": "سناب شات",
            "pinterest": "بنترست",
            "threads": "ثريدز",
            "whatsapp": "واتساب",
        },
    },
    "format": {
        "en": {
            "post": "post",
            "story": "story",
            "short_video": "short video",
            "long_video": "long video",
            "live": "live",
            "ad": "ad",
            "carousel": "carousel",
            "message": "message",
        },
        "ar": {
            "post": "منشور",
            "story": "قصة",
            "short_video": "فيديو قصير",
            "long_video": "فيديو طويل",
            "live": "بث مباشر",
            "ad": "إعلان",
            "carousel": "منشور دوّار",
            "message": "رسالة",
        },
    },
    "objective": {
        "en": {
            "awareness": "awareness",
            "engagement": "engagement",
            "traffic": "traffic",
            "leads": "leads",
            "conversions": "conversions",
            "customer_care": "customer care",
            "community": "community",
        },
        "ar": {
            "awareness": "الوعي بالعلامة",
            "engagement": "التفاعل",
            "traffic": "زيارات الموقع",
            "leads": "العملاء المحتملين",
            "conversions": "التحويلات",
            "customer_care": "خدمة العملاء",
            "community": "بناء المجتمع",
        },
    },
    "kpi": {
        "en": {
            "views": "views",
            "reach": "reach",
            "impressions": "impressions",
            "replies": "replies",
            "comments": "comments",
            "shares": "shares",
            "engagement_rate": "engagement rate",
            "visits": "visits",
            "link_clicks": "link clicks",
            "leads": "leads",
            "conversions": "conversions",
            "revenue": "revenue",
            "response_time": "response time",
            "resolution_rate": "resolution rate",
            "followers": "followers",
            "community_growth": "community growth",
        },
        "ar": {
            "views": "المشاهدات",
            "reach": "الوصول",
            "impressions": "مرات الظهور",
            "replies": "الردود",
            "comments": "التعليقات",
            "shares": "المشاركات",
            "engagement_rate": "معدل التفاعل",
            "visits": "الزيارات",
            "link_clicks": "النقرات على الرابط",
            "leads": "العملاء المحتملين",
            "conversions": "التحويلات",
            "revenue": "الإيرادات",
            "response_time": "زمن الاستجابة",
            "resolution_rate": "معدل حل المشكلات",
            "followers": "المتابعين",
            "community_growth": "نمو المجتمع",
        },
    },
    "skill": {
        "en": {
            "strategy_planning": "strategy planning",
            "campaign_planning": "campaign planning",
            "analytics_reporting": "analytics and reporting",
            "content_creation": "content creation",
            "short_video": "short video",
            "community_management": "community management",
            "customer_care": "customer care",
            "social_commerce": "social commerce",
            "paid_social": "paid social",
            "tiktok": "TikTok",
            "instagram": "Instagram",
            "linkedin": "LinkedIn",
            "x": "X",
            "youtube": "YouTube",
            "facebook": "Facebook",
            "snapchat": "Snapchat",
            "pinterest": "Pinterest",
            "threads": "Threads",
            "whatsapp": "WhatsApp",
        },
        "ar": {
            "strategy_planning": "التخطيط الاستراتيجي",
            "campaign_planning": "تخطيط الحملات",
            "analytics_reporting": "التحليلات والتقارير",
            "content_creation": "صناعة المحتوى",
            "short_video": "الفيديو القصير",
            "community_management": "إدارة المجتمع",
            "customer_care": "خدمة العملاء",
            "social_commerce": "التجارة عبر منصات التواصل",
            "paid_social": "الإعلانات المدفوعة",
            "tiktok": "تيك توك",
            "instagram": "إنستغرام",
            "linkedin": "لينكدإن",
            "x": "إكس",
            "youtube": "يوتيوب",
            "facebook": "فيسبوك",
            "snapchat": "سناب شات",
            "pinterest": "بنترست",
            "threads": "ثريدز",
            "whatsapp": "واتساب",
        },
    },
    "priority": {
        "en": {"high": "high", "medium": "medium", "low": "low"},
        "ar": {"high": "عالية", "medium": "متوسطة", "low": "منخفضة"},
    },
    "measure": {
        "en": {"kpi": "a KPI", "baseline": "a baseline", "target": "a numeric target"},
        "ar": {"kpi": "مؤشر أداء رئيسي", "baseline": "قيمة الأساس", "target": "هدف رقمي"},
    },
    "severity": {
        "en": {"error": "Error", "warning": "Warning", "info": "Note"},
        "ar": {"error": "خطأ", "warning": "تحذير", "info": "ملاحظة للعلم"},
    },
    "verdict": {
        "en": {"aligned": "Aligned", "needs_changes": "Needs changes", "misaligned": "Misaligned"},
        "ar": {
            "aligned": "متوائمة",
            "needs_changes": "تحتاج إلى تعديل",
            "misaligned": "غير متوائمة",
        },
    },
}

# Which params hold vocabulary ids, and the label table for each.
_PARAM_KINDS = {
    "network": "network",
    "objective": "objective",
    "kpi": "kpi",
    "expected": "kpi",
    "format": "format",
    "priority": "priority",
    "missing": "measure",
    "skill": "skill",
}
# User-entered names: isolated so they keep their own direction.
_USER_TEXT = ("campaign", "goal", "audience")

RULE_NAMES: dict[str, dict[str, str]] = {
    "campaign_without_goal": {"en": "Campaign without a goal", "ar": "حملة بلا هدف"},
    "goal_uncovered": {"en": "Goal not covered", "ar": "هدف غير مغطّى"},
    "audience_missing": {"en": "No target audience", "ar": "لا يوجد جمهور مستهدف"},
    "network_not_used_by_audience": {
        "en": "Network the audience does not use",
        "ar": "منصة لا يستخدمها الجمهور المستهدف",
    },
    "kpi_objective_mismatch": {
        "en": "KPI does not measure the objective",
        "ar": "مؤشر الأداء لا يقيس هدف الحملة",
    },
    "story_focus": {"en": "Stories focus", "ar": "تركيز القصص"},
    "kpi_not_measurable": {"en": "KPI not measurable", "ar": "مؤشر أداء غير قابل للقياس"},
    "duration_unjustified": {"en": "Duration not justified", "ar": "مدة غير مبرّرة"},
    "duration_out_of_range": {"en": "Unusual duration", "ar": "مدة غير معتادة"},
    "campaign_after_goal_due": {
        "en": "Campaign ends after the goal is due",
        "ar": "الحملة تنتهي بعد موعد الهدف",
    },
    "outside_plan_period": {"en": "Outside the plan period", "ar": "خارج فترة الخطة"},
    "engagers_unknown": {"en": "Engagers unknown", "ar": "المتفاعلون غير معروفين"},
    "calendar_gap": {"en": "Gap in the content calendar", "ar": "فجوة في روزنامة المحتوى"},
    "customer_care_missing": {"en": "No customer care", "ar": "لا توجد خدمة عملاء"},
    "capability_gap": {"en": "Capability gap", "ar": "فجوة في القدرات"},
}

DESCRIPTIONS: dict[str, dict[str, str]] = {
    "campaign_without_goal": {
        "en": "Each campaign must serve at least one active company goal.",
        "ar": "يجب أن تخدم كل حملة هدفًا واحدًا على الأقل من أهداف الشركة النشطة.",
    },
    "goal_uncovered": {
        "en": "Every active company goal must be served by at least one campaign; "
        "a high-priority goal left uncovered is an error, any other a warning.",
        "ar": "يجب أن تخدم حملةٌ واحدة على الأقل كلَّ هدف نشط من أهداف الشركة؛ "
        "وتركُ هدف عالي الأولوية دون تغطية خطأ، وترك غيره تحذير.",
    },
    "audience_missing": {
        "en": "Each campaign must name the target audience it speaks to.",
        "ar": "يجب أن تحدد كل حملة الجمهور المستهدف الذي تخاطبه.",
    },
    "network_not_used_by_audience": {
        "en": "Each network a campaign runs on must be used by a minimum share of its "
        "target audience (10 % by default; a network the audience does not list counts as 0 %).",
        "ar": "يجب أن تستخدم نسبةٌ دنيا من الجمهور المستهدف كلَّ منصة تعمل عليها الحملة "
        "(10% افتراضيًا؛ والمنصة غير المدرجة لدى الجمهور تُحتسب 0%).",
    },
    "kpi_objective_mismatch": {
        "en": "The KPI must measure the campaign's objective: awareness by views, reach or "
        "impressions; engagement by replies, comments, shares or engagement rate; traffic by "
        "visits or link clicks; leads by leads; conversions by conversions or revenue; "
        "customer care by response time, resolution rate or replies; community by community "
        "growth, followers, comments or engagement rate.",
        "ar": "يجب أن يقيس مؤشر الأداء الرئيسي هدفَ الحملة: الوعي بالعلامة بالمشاهدات أو الوصول "
        "أو مرات الظهور؛ والتفاعل بالردود أو التعليقات أو المشاركات أو معدل التفاعل؛ وزيارات "
        "الموقع بالزيارات أو النقرات على الرابط؛ والعملاء المحتملين بعددهم؛ والتحويلات "
        "بالتحويلات أو الإيرادات؛ وخدمة العملاء بزمن الاستجابة أو معدل حل المشكلات أو الردود؛ "
        "وبناء المجتمع بنمو المجتمع أو المتابعين أو التعليقات أو معدل التفاعل.",
    },
    "story_focus": {
        "en": "A Stories campaign must measure views (awareness), replies (engagement, "
        "community, customer care) or visits (traffic, leads, conversions).",
        "ar": "يجب أن تقيس حملة القصص المشاهدات (للوعي بالعلامة) أو الردود (للتفاعل وبناء المجتمع "
        "وخدمة العملاء) أو الزيارات (لزيارات الموقع والعملاء المحتملين والتحويلات).",
    },
    "kpi_not_measurable": {
        "en": "Each campaign needs a KPI with a numeric baseline and a numeric target.",
        "ar": "تحتاج كل حملة إلى مؤشر أداء رئيسي بقيمة أساس رقمية وهدف رقمي.",
    },
    "duration_unjustified": {
        "en": "Each campaign must say why it lasts as long as it does.",
        "ar": "يجب أن توضح كل حملة سبب اختيار مدتها.",
    },
    "duration_out_of_range": {
        "en": "A campaign's length in days must fall within the range set for its objective "
        "(e.g. awareness 14–90, traffic 7–60, customer care 30–366).",
        "ar": "يجب أن تقع مدة الحملة بالأيام ضمن النطاق المحدد لهدفها "
        "(مثلًا الوعي بالعلامة من 14 إلى 90، وزيارات الموقع من 7 إلى 60، "
        "وخدمة العملاء من 30 إلى 366).",
    },
    "campaign_after_goal_due": {
        "en": "A campaign must end by the due date of every company goal it serves.",
        "ar": "يجب أن تنتهي الحملة بحلول موعد استحقاق كل هدف من أهداف الشركة تخدمه.",
    },
    "outside_plan_period": {
        "en": "A campaign must start and end within the plan's period.",
        "ar": "يجب أن تبدأ الحملة وتنتهي داخل فترة الخطة.",
    },
    "engagers_unknown": {
        "en": "The campaign's target audience must say who engages and what they respond to.",
        "ar": "يجب أن يوضح الجمهور المستهدف للحملة من يتفاعل وبماذا يتجاوب.",
    },
    "calendar_gap": {
        "en": "Every network of a campaign needs content in the content calendar during the "
        "campaign, with no gap longer than the configured days (14 by default).",
        "ar": "تحتاج كل منصة من منصات الحملة إلى محتوى في روزنامة المحتوى طوال مدة الحملة، "
        "دون فجوة أطول من عدد الأيام المحدد (14 يومًا افتراضيًا).",
    },
    "customer_care_missing": {
        "en": "The plan must answer questions and complaints: a customer care campaign or a "
        "response-time KPI.",
        "ar": "يجب أن تجيب الخطة عن الأسئلة والشكاوى: بحملة لخدمة العملاء أو بمؤشر أداء لزمن "
        "الاستجابة.",
    },
    "capability_gap": {
        "en": "The team must have the skills each campaign needs (its networks, format, "
        "objective and paid budget): someone rated at least 2 of 4 (practising with help) "
        "by default.",
        "ar": "يجب أن يملك الفريق المهارات التي تحتاجها كل حملة (منصاتها وصيغتها وهدفها "
        "وميزانيتها المدفوعة): عضو واحد على الأقل بتقييم 2 من 4 (يمارسها بمساعدة) افتراضيًا.",
    },
}

# rule -> variant -> locale -> (message, fix).  The variant is params["kind"] or "default".
CATALOGUE: dict[str, dict[str, dict[str, tuple[str, str]]]] = {
    "campaign_without_goal": {
        "default": {
            "en": (
                "Campaign {campaign} serves no company goal.",
                "Every campaign should move a company goal forward; otherwise it spends budget "
                "and attention the goals need. Link it to the goal it serves, or drop it from "
                "the plan.",
            ),
            "ar": (
                "الحملة {campaign} لا تخدم أي هدف من أهداف الشركة.",
                "ينبغي أن تدفع كل حملة هدفًا من أهداف الشركة إلى الأمام، وإلا استهلكت ميزانية "
                "واهتمامًا تحتاج إليهما الأهداف. اربط الحملة بالهدف الذي تخدمه، أو احذفها من "
                "الخطة.",
            ),
        }
    },
    "goal_uncovered": {
        "default": {
            "en": (
                "No campaign serves the company goal {goal} ({priority} priority).",
                "A goal with no campaign behind it is reached only by chance, and nobody will "
                "know which work moved it. Add a campaign whose objective moves {goal}, or link "
                "an existing campaign to it.",
            ),
            "ar": (
                "لا توجد حملة تخدم هدف الشركة {goal} (أولوية {priority}).",
                "الهدف الذي لا تقف وراءه أي حملة لا يتحقق إلا مصادفةً، ولن يعرف أحد أيُّ عمل "
                "قرّبه. أضف حملة يخدم هدفُها {goal}، أو اربط به حملة قائمة.",
            ),
        }
    },
    "audience_missing": {
        "default": {
            "en": (
                "Campaign {campaign} names no target audience.",
                "Without a target audience you cannot choose networks, formats or messages on "
                "purpose. Pick the audience this campaign speaks to, and add it under "
                "Audiences if it is new.",
            ),
            "ar": (
                "الحملة {campaign} لا تحدد جمهورًا مستهدفًا.",
                "من دون جمهور مستهدف لا يمكن اختيار المنصات والصيغ والرسائل عن قصد. اختر "
                "الجمهور المستهدف الذي تخاطبه هذه الحملة، وأضفه إلى قائمة الجماهير إن كان "
                "جديدًا.",
            ),
        }
    },
    "network_not_used_by_audience": {
        "absent": {
            "en": (
                "Campaign {campaign} runs on {network}, which its audience {audience} does "
                "not use.",
                "Content on a network your audience is not on reaches none of the people you "
                "planned for. Move the effort to the networks {audience} uses, or choose an "
                "audience that is present on {network}.",
            ),
            "ar": (
                "تعمل الحملة {campaign} على {network}، وهي منصة لا يستخدمها جمهورها المستهدف "
                "{audience}.",
                "المحتوى على منصة لا يوجد فيها جمهورك لا يصل إلى أحد ممن خططت لهم. انقل الجهد "
                "إلى المنصات التي يستخدمها {audience}، أو اختر جمهورًا مستهدفًا حاضرًا على "
                "{network}.",
            ),
        },
        "default": {
            "en": (
                "Campaign {campaign} runs on {network}, but only {share} % of its audience "
                "{audience} uses it (the minimum is {threshold} %).",
                "Content on a network your audience barely uses reaches few of the people you "
                "planned for. Move the effort to the networks {audience} uses most, or choose "
                "an audience that is present on {network}.",
            ),
            "ar": (
                "تعمل الحملة {campaign} على {network}، لكن {share}% فقط من جمهورها المستهدف "
                "{audience} يستخدمها (الحد الأدنى {threshold}%).",
                "المحتوى على منصة لا يكاد جمهورك يستخدمها لا يصل إلا إلى قلة ممن خططت لهم. انقل "
                "الجهد إلى المنصات التي يستخدمها {audience} أكثر من غيرها، أو اختر جمهورًا "
                "مستهدفًا حاضرًا على {network}.",
            ),
        },
    },
    "kpi_objective_mismatch": {
        "default": {
            "en": (
                "Campaign {campaign} aims at {objective} but its KPI is {kpi}.",
                "A KPI that does not measure the objective cannot tell you whether the campaign "
                "worked. For {objective}, measure {expected}.",
            ),
            "ar": (
                "هدف الحملة {campaign} هو {objective}، لكن مؤشر الأداء الرئيسي فيها هو {kpi}.",
                "مؤشر الأداء الذي لا يقيس هدف الحملة لا يخبرك إن كانت الحملة قد نجحت. لهدف "
                "{objective} قِس {expected}.",
            ),
        }
    },
    "story_focus": {
        "default": {
            "en": (
                "Stories campaign {campaign} measures {kpi}; for {objective} a story should "
                "measure {expected}.",
                "Stories are watched, answered or tapped through: measure views for awareness, "
                "replies for engagement, or link visits for traffic. Set this campaign's KPI to "
                "{expected}.",
            ),
            "ar": (
                "حملة القصص {campaign} تقيس {kpi}، أما لهدف {objective} فينبغي أن تقيس القصة "
                "{expected}.",
                "القصص تُشاهَد أو يُرَدّ عليها أو يُنقر عليها للانتقال: قِس المشاهدات للوعي "
                "بالعلامة، والردود للتفاعل، وزيارات الرابط لزيارات الموقع. اجعل مؤشر الأداء "
                "الرئيسي لهذه الحملة {expected}.",
            ),
        }
    },
    "kpi_not_measurable": {
        "default": {
            "en": (
                "Campaign {campaign} is missing {missing}, so its result cannot be measured.",
                "Without a KPI, a baseline and a numeric target nobody can say at the end "
                "whether the campaign succeeded. Choose the KPI, enter today's value as the "
                "baseline and the value you aim for as the target.",
            ),
            "ar": (
                "لا يمكن قياس نتيجة الحملة {campaign}، إذ ينقصها {missing}.",
                "من دون مؤشر أداء رئيسي وقيمة أساس وهدف رقمي لا يستطيع أحد أن يحكم في النهاية "
                "على نجاح الحملة. اختر المؤشر، وأدخل قيمته الحالية قيمةً للأساس، والقيمة التي "
                "تسعى إليها هدفًا.",
            ),
        }
    },
    "duration_unjustified": {
        "default": {
            "en": (
                "Campaign {campaign} runs for {days} days with no reason given for that length.",
                "A campaign's length should follow from its objective, budget and audience, not "
                "from habit. Write a sentence or two on why {days} days is right: the buying "
                "cycle, a season, enough time for the audience to see the message.",
            ),
            "ar": (
                "لم يُذكر سبب مدة الحملة {campaign} (عدد الأيام: {days}).",
                "ينبغي أن تنبع مدة الحملة من هدفها وميزانيتها وجمهورها المستهدف، لا من العادة. "
                "اكتب جملة أو جملتين تشرح فيهما سبب ملاءمة هذه المدة (عدد الأيام: {days}): دورة "
                "الشراء، أو موسم، أو وقت كافٍ ليرى الجمهور الرسالة.",
            ),
        }
    },
    "duration_out_of_range": {
        "default": {
            "en": (
                "Campaign {campaign} lasts {days} days; {objective} campaigns need {min_days} "
                "to {max_days} days.",
                "Too short and the audience never sees the message often enough; too long and "
                "the message wears out and the budget thins. Plan {min_days} to {max_days} "
                "days, or split the campaign.",
            ),
            "ar": (
                "مدة الحملة {campaign} (عدد الأيام: {days}) خارج النطاق المعتاد لحملات "
                "{objective}، وهو من {min_days} إلى {max_days} يومًا.",
                "إذا قصُرت المدة لم يرَ الجمهور الرسالة بما يكفي، وإذا طالت استُهلكت الرسالة "
                "وتشتتت الميزانية. خطط لمدة من {min_days} إلى {max_days} يومًا، أو قسّم الحملة.",
            ),
        }
    },
    "campaign_after_goal_due": {
        "default": {
            "en": (
                "Campaign {campaign} ends on {end_date}, {days_late} days after the company "
                "goal {goal} is due ({due_date}).",
                "Results that arrive after the due date do not count towards the goal. End the "
                "campaign by {due_date}, or link it to a goal that is due later.",
            ),
            "ar": (
                "تنتهي الحملة {campaign} في {end_date}، بعد موعد استحقاق هدف الشركة {goal} "
                "في {due_date} (عدد أيام التأخير: {days_late}).",
                "النتائج التي تأتي بعد موعد الاستحقاق لا تُحتسب للهدف. أنهِ الحملة بحلول "
                "{due_date}، أو اربطها بهدف موعده لاحق.",
            ),
        }
    },
    "outside_plan_period": {
        "default": {
            "en": (
                "Campaign {campaign} runs from {start_date} to {end_date}, outside the plan "
                "period ({period_start} to {period_end}).",
                "Work outside the plan period is not reviewed, budgeted or reported with this "
                "plan. Move the dates inside the period, or put the campaign in the plan for "
                "that period.",
            ),
            "ar": (
                "تمتد الحملة {campaign} من {start_date} إلى {end_date}، خارج فترة الخطة "
                "(من {period_start} إلى {period_end}).",
                "العمل خارج فترة الخطة لا يُراجَع ولا تُرصد له ميزانية ولا يُدرج في تقاريرها. "
                "انقل التواريخ إلى داخل الفترة، أو ضع الحملة في خطة تلك الفترة.",
            ),
        }
    },
    "engagers_unknown": {
        "default": {
            "en": (
                "The audience {audience} of campaign {campaign} does not say who engages.",
                "Knowing who comments, shares and replies, and what they respond to, tells you "
                "what content to make and how to measure it. Describe the engagers of "
                "{audience}: personas, topics and formats they react to.",
            ),
            "ar": (
                "الجمهور المستهدف {audience} للحملة {campaign} لا يوضح من يتفاعل.",
                "معرفة من يعلّق ويشارك ويردّ، وبماذا يتجاوب، تخبرك بالمحتوى الذي ينبغي صنعه "
                "وكيف تقيسه. صِف المتفاعلين في {audience}: شخصياتهم، والموضوعات والصيغ التي "
                "يتجاوبون معها.",
            ),
        }
    },
    "calendar_gap": {
        "empty": {
            "en": (
                "Campaign {campaign} has no content on {network} in the content calendar "
                "between {start_date} and {end_date}.",
                "A network in the plan with nothing scheduled is a promise with no work behind "
                "it. Add calendar items on {network} at least every {max_gap_days} days, or "
                "remove {network} from the campaign.",
            ),
            "ar": (
                "لا يوجد للحملة {campaign} أي محتوى على {network} في روزنامة المحتوى بين "
                "{start_date} و{end_date}.",
                "المنصة المدرجة في الخطة دون محتوى مجدول وعدٌ بلا عمل وراءه. أضف إلى الروزنامة "
                "عناصر على {network} مرة كل {max_gap_days} يومًا على الأقل، أو احذف {network} "
                "من الحملة.",
            ),
        },
        "gap": {
            "en": (
                "Campaign {campaign} goes quiet on {network} for {gap_days} days "
                "({gap_start} to {gap_end}); the limit is {max_gap_days} days.",
                "Audiences forget a brand that goes quiet, and the network stops showing its "
                "posts. Schedule content on {network} at least every {max_gap_days} days while "
                "the campaign runs.",
            ),
            "ar": (
                "تتوقف الحملة {campaign} على {network} من {gap_start} إلى {gap_end} "
                "(عدد الأيام: {gap_days})، والحد الأقصى {max_gap_days} يومًا.",
                "ينسى الجمهور العلامة التي تصمت، وتتوقف المنصة عن عرض منشوراتها. جدوِل محتوى "
                "على {network} مرة كل {max_gap_days} يومًا على الأقل طوال مدة الحملة.",
            ),
        },
    },
    "customer_care_missing": {
        "default": {
            "en": (
                "No campaign answers questions and complaints: the plan has no customer care "
                "campaign and no response-time KPI.",
                "People ask and complain on social networks whether or not you plan for it; "
                "left unanswered, they turn to competitors while others watch. Add a customer "
                "care campaign with a response-time target, or give an existing campaign a "
                "response-time KPI.",
            ),
            "ar": (
                "لا توجد حملة تجيب عن الأسئلة والشكاوى: لا تتضمن الخطة حملة لخدمة العملاء ولا "
                "مؤشر أداء لزمن الاستجابة.",
                "يسأل الناس ويشتكون على منصات التواصل سواء خططت لذلك أم لا، وإن لم يجدوا ردًا "
                "اتجهوا إلى المنافسين على مرأى من الآخرين. أضف حملة لخدمة العملاء بهدف لزمن "
                "الاستجابة، أو اجعل زمن الاستجابة مؤشر الأداء الرئيسي لحملة قائمة.",
            ),
        }
    },
    "capability_gap": {
        "default": {
            "en": (
                "Campaign {campaign} needs the skill {skill}, but the team's strongest rating "
                "in it is {rating} of 4 (the minimum is {threshold}).",
                "A plan the team cannot deliver fails however well it is aligned. Close the "
                "gap in {skill} before the campaign starts: book a partner-led session, send "
                "someone on a course, let them shadow an expert on a live campaign, or change "
                "the plan to use skills the team already has.",
            ),
            "ar": (
                "تحتاج الحملة {campaign} إلى مهارة {skill}، لكن أعلى تقييم لدى الفريق فيها "
                "{rating} من 4 (الحد الأدنى {threshold}).",
                "الخطة التي لا يستطيع الفريق تنفيذها تفشل مهما كانت متوائمة. أغلق الفجوة في "
                "مهارة {skill} قبل بدء الحملة: احجز جلسة يقودها الشريك، أو أرسل أحد أعضاء "
                "الفريق إلى دورة تدريبية، أو دعه يرافق خبيرًا في حملة جارية، أو عدّل الخطة "
                "لتعتمد على مهارات يملكها الفريق.",
            ),
        }
    },
}

_MISSING = "…"


class _SafeParams(dict):
    """format_map never raises: an unknown placeholder renders as an ellipsis."""

    def __missing__(self, key: str) -> str:
        return _MISSING


def normalise_locale(locale: str | None) -> str:
    """'ar', 'ar_SA', 'ar-EG' → 'ar'; anything else → 'en'."""
    return "ar" if (locale or "").lower().replace("-", "_").split("_")[0] == "ar" else "en"


def label(kind: str, value: Any, locale: str = "en") -> str:
    """A vocabulary id's label (network, format, objective, kpi, priority, severity, verdict).

    Unknown ids come back as given, so a value added later never breaks a message.
    """
    table = LABELS.get(kind, {}).get(normalise_locale(locale), {})
    return table.get(str(value), str(value).replace("_", " "))


def join(items: Sequence[str], locale: str = "en", conjunction: str = "or") -> str:
    """'a, b or c' / 'أ أو ب أو ج'."""
    items = list(items)
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    if normalise_locale(locale) == "ar":
        word = " أو " if conjunction == "or" else " و"
        return word.join(items)
    word = " or " if conjunction == "or" else " and "
    return ", ".join(items[:-1]) + word + items[-1]


def _number(value: float | int) -> str:
    if isinstance(value, float):
        text = f"{value:.1f}"
        return text[:-2] if text.endswith(".0") else text
    return str(value)


def _display(name: str, value: Any, locale: str) -> str:
    kind = _PARAM_KINDS.get(name)
    if isinstance(value, list | tuple):
        conjunction = "and" if name == "missing" else "or"
        return join([_display(name, v, locale) for v in value], locale, conjunction)
    if kind is not None and value is not None:
        return label(kind, value, locale)
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, int | float):
        return _number(value)
    text = str(value)
    if name in _USER_TEXT:
        return f"«{_FSI}{text}{_PDI}»" if locale == "ar" else f"“{text}”"
    return text


def render(rule: str, params: Mapping[str, Any], locale: str = "en") -> tuple[str, str]:
    """(message, fix) for a finding of ``rule`` with ``params``, in ``locale``.

    Raises KeyError only for a rule id that does not exist.
    """
    locale = normalise_locale(locale)
    variants = CATALOGUE[rule]
    variant = variants.get(str(params.get("kind", "default")), variants.get("default"))
    if variant is None:
        variant = variants[sorted(variants)[0]]
    values = _SafeParams({name: _display(name, value, locale) for name, value in params.items()})
    message, fix = variant[locale]
    return message.format_map(values), fix.format_map(values)


def describe(rule: str, locale: str = "en") -> str:
    """What the rule checks, in one or two sentences (methodology page, PDFs)."""
    return DESCRIPTIONS[rule][normalise_locale(locale)]


def rule_name(rule: str, locale: str = "en") -> str:
    """A short title for the rule (headings, filters)."""
    return RULE_NAMES[rule][normalise_locale(locale)]
