### Strada: العربية (Arabic). A partial catalogue: every message it leaves out shows in
### Italian, the reference. Only short interface words are here; they need a review by a
### native speaker before use in the field. Texts about consent, data deletion and the
### indicators of exploitation are left out on purpose until a qualified translator
### writes them (never machine-made).
### Format: a subset of Fluent (https://projectfluent.org), see app/src/i18n/ftl.rs.

## The language itself
lang_name = العربية
language = اللغة

## sign-in
username = اسم المستخدم
password = كلمة المرور
sign_in_title = تسجيل الدخول
sign_in = تسجيل الدخول
signing_in = جارٍ تسجيل الدخول…
sign_out = تسجيل الخروج

## status bar
idle_lock = القفل التلقائي
minutes =
    { $n ->
        [one] دقيقة واحدة
        [two] دقيقتان
        [few] { $n } دقائق
       *[other] { $n } دقيقة
    }
online = متصل
offline = غير متصل
syncing = جارٍ المزامنة…
pending_changes = تغييرات في الانتظار
last_sync = آخر مزامنة
never = أبدًا
sync_now = مزامنة الآن
loading = جارٍ التحميل…

## tabs and services
svc_nav = الخدمات
svc_address = العنوان
svc_phone = الهاتف
svc_email = البريد الإلكتروني
day_1 = الاثنين
day_2 = الثلاثاء
day_3 = الأربعاء
day_4 = الخميس
day_5 = الجمعة
day_6 = السبت
day_7 = الأحد
persons = الأشخاص
referrals = الإحالات
save = حفظ
