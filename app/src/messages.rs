//! The domain's user-facing messages in every UI language. The server's
//! tests check that every message the domain can send has a translation here.

use crate::i18n::Locale;

/// (English, Simplified Chinese) for each domain message.
pub const TRANSLATIONS: &[(&str, &str)] = &[
    ("A role with this name already exists.", "已存在同名角色。"),
    ("A user with this email already exists.", "已存在使用此电子邮件的用户。"),
    ("Choose a password different from the current one.", "请选择与当前密码不同的密码。"),
    ("Enter a name.", "请输入名称。"),
    ("Enter an email address such as name@example.com.", "请输入电子邮件地址，例如 name@example.com。"),
    ("One of the chosen roles no longer exists.", "所选角色之一已不存在。"),
    ("The built-in admin role was deleted; create the administrator in the UI.", "内置管理员角色已被删除；请在界面中创建管理员。"),
    ("The current password is wrong.", "当前密码不正确。"),
    (
        "The email or password is wrong, or the account is locked for a while after repeated failures.",
        "电子邮件或密码错误，或账户因多次失败已被暂时锁定。",
    ),
    ("The password must not be your email address.", "密码不能与电子邮件地址相同。"),
    ("This change would leave no active user who can administer users and roles.", "此更改将导致没有任何在职用户能够管理用户和角色。"),
    ("This password is too common; choose another.", "此密码过于常见，请另选一个。"),
    ("One of the permissions is not in the catalogue.", "其中一项权限不在权限目录中。"),
    ("Use at least 10 characters.", "请至少使用 10 个字符。"),
    ("Use at most 100 characters.", "最多使用 100 个字符。"),
    ("Use at most 1024 characters.", "最多使用 1024 个字符。"),
    ("Use at most 200 characters.", "最多使用 200 个字符。"),
    ("Use at most 500 characters.", "最多使用 500 个字符。"),
    ("Choose company or person.", "请选择公司或个人。"),
    ("Enter a phone number with 6 to 15 digits, such as +49 30 1234567.", "请输入 6 到 15 位数字的电话号码，例如 +86 10 12345678。"),
    ("Use at most 60 characters.", "最多使用 60 个字符。"),
    ("Enter a three-letter currency code such as EUR.", "请输入三个字母的货币代码，例如 CNY。"),
    ("Enter zero or more.", "请输入零或更大的数。"),
    ("Enter between 0 and 365 days.", "请输入 0 到 365 天。"),
    ("Tags are at most 40 characters and contain no commas.", "标签最多 40 个字符，且不能包含逗号。"),
    ("Choose an active user as the owner.", "请选择一个在职用户作为负责人。"),
    ("Only companies have contacts.", "只有公司才有联系人。"),
    ("Enter an amount such as 1234.50.", "请输入金额，例如 1234.50。"),
    ("Choose one of the offered values.", "请从提供的选项中选择。"),
    ("Choose web, referral, campaign, event or other.", "请选择网站、推荐、营销活动、展会或其他。"),
    ("Choose an existing campaign.", "请选择一个已有的营销活动。"),
    ("Only a new lead can be qualified.", "只有新线索可以被确认。"),
    ("This lead is already converted or disqualified.", "此线索已被转化或取消资格。"),
    ("Qualify the lead before converting it.", "请先确认线索再进行转化。"),
    ("Enter a reason.", "请输入原因。"),
    ("Enter a title.", "请输入标题。"),
    ("Enter a date such as 2026-12-31.", "请输入日期，例如 2026-12-31。"),
    ("Enter a probability between 0 and 100.", "请输入 0 到 100 之间的概率。"),
    ("Choose an existing stage.", "请选择一个已有的阶段。"),
    ("Someone else moved this opportunity meanwhile; the board has been refreshed.", "其他人已同时移动了此商机；看板已刷新。"),
    ("A stage cannot be both won and lost.", "一个阶段不能同时是赢单和输单。"),
    ("Opportunities are in this stage; move them before deleting it.", "此阶段中仍有商机；请先移走再删除。"),
    ("The pipeline needs at least one open stage.", "销售管道至少需要一个进行中的阶段。"),
    ("Choose a contact of this customer.", "请选择此客户的联系人。"),
    ("Choose an opportunity of this customer.", "请选择此客户的商机。"),
    ("Choose an existing customer.", "请选择一个已有的客户。"),
    ("Choose call, email, meeting, task or note.", "请选择电话、邮件、会议、任务或备注。"),
    ("Choose email, web, event, social, print or other.", "请选择邮件、网站、展会、社交媒体、印刷品或其他。"),
    ("The end date must not be before the start date.", "结束日期不能早于开始日期。"),
    ("Choose two different customers.", "请选择两个不同的客户。"),
    ("This customer was already merged into another.", "此客户已被合并到另一个客户。"),
    ("Select at least one row.", "请至少选择一行。"),
    ("Select at most 500 rows at a time.", "每次最多选择 500 行。"),
    ("Use at most 10,000 characters.", "最多使用 10,000 个字符。"),
    ("A team with this name already exists.", "已存在同名团队。"),
    ("Choose an existing team.", "请选择一个已有的团队。"),
];

/// `message` in `locale` (unchanged when no translation is known).
pub fn localize(message: &str, locale: Locale) -> String {
    match locale {
        Locale::en => message.to_owned(),
        Locale::zh => TRANSLATIONS
            .iter()
            .find(|(en, _)| *en == message)
            .map_or_else(|| message.to_owned(), |(_, zh)| (*zh).to_owned()),
    }
}
