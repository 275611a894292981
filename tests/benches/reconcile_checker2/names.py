# Name data per origin for the checker's generator (stdlib only).
# Each token: key -> (weight, native_script_or_None, [latin variants, most common first, with weights])
# Weights are rough frequencies among people met by outreach teams in Lombardy.

def T(w, native, *variants):
    """variants: 'Name' or ('Name', weight)."""
    vs = []
    for v in variants:
        if isinstance(v, tuple):
            vs.append(v)
        else:
            vs.append((v, 1.0))
    return (w, native, vs)

ORIGINS = {}

# ---------------- India: Punjabi Sikhs (Gurmukhi) and some Hindi speakers (Devanagari)
ORIGINS["IN_SIKH"] = dict(
    country="IN", weight=12, women=0.12, script="guru", langs=[("pa", 1.0), ("hi", 0.4), ("en", 0.2)],
    given_m={
        "Gurpreet": T(10, "ਗੁਰਪ੍ਰੀਤ", ("Gurpreet", 6), "Gurprit", "Gurpreeth", "Gurpret"),
        "Harpreet": T(8, "ਹਰਪ੍ਰੀਤ", ("Harpreet", 6), "Harprit", "Harpret"),
        "Manpreet": T(7, "ਮਨਪ੍ਰੀਤ", ("Manpreet", 6), "Manprit"),
        "Jaswinder": T(6, "ਜਸਵਿੰਦਰ", ("Jaswinder", 5), "Jasvinder", "Jaswindar"),
        "Sukhwinder": T(6, "ਸੁਖਵਿੰਦਰ", ("Sukhwinder", 5), "Sukhvinder", "Sukhwindar"),
        "Kulwinder": T(5, "ਕੁਲਵਿੰਦਰ", ("Kulwinder", 5), "Kulvinder"),
        "Balwinder": T(5, "ਬਲਵਿੰਦਰ", ("Balwinder", 5), "Balvinder"),
        "Lakhwinder": T(3, "ਲਖਵਿੰਦਰ", ("Lakhwinder", 4), "Lakhvinder"),
        "Baljit": T(4, "ਬਲਜੀਤ", ("Baljit", 4), "Baljeet"),
        "Harjit": T(4, "ਹਰਜੀਤ", ("Harjit", 4), "Harjeet"),
        "Paramjit": T(4, "ਪਰਮਜੀਤ", ("Paramjit", 4), "Paramjeet"),
        "Gurdeep": T(5, "ਗੁਰਦੀਪ", ("Gurdeep", 4), "Gurdip"),
        "Amandeep": T(6, "ਅਮਨਦੀਪ", ("Amandeep", 4), "Amandip"),
        "Rajinder": T(4, "ਰਾਜਿੰਦਰ", ("Rajinder", 4), "Rajender", "Rajindar"),
        "Jasvir": T(3, "ਜਸਵੀਰ", ("Jasvir", 3), "Jasveer", "Jasbir"),
        "Sandeep": T(5, "ਸੰਦੀਪ", ("Sandeep", 4), "Sandip"),
        "Kuldeep": T(3, "ਕੁਲਦੀਪ", ("Kuldeep", 3), "Kuldip"),
        "Satnam": T(2, "ਸਤਨਾਮ", ("Satnam", 1)),
    },
    given_f={
        "Gurpreet": T(6, "ਗੁਰਪ੍ਰੀਤ", ("Gurpreet", 6), "Gurprit"),
        "Harpreet": T(5, "ਹਰਪ੍ਰੀਤ", ("Harpreet", 6), "Harprit"),
        "Manpreet": T(5, "ਮਨਪ੍ਰੀਤ", ("Manpreet", 6), "Manprit"),
        "Jaswinder": T(3, "ਜਸਵਿੰਦਰ", ("Jaswinder", 5), "Jasvinder"),
        "Simranjit": T(3, "ਸਿਮਰਨਜੀਤ", ("Simranjit", 4), "Simranjeet"),
        "Navdeep": T(3, "ਨਵਦੀਪ", ("Navdeep", 4), "Navdip"),
        "Rajwinder": T(2, "ਰਾਜਵਿੰਦਰ", ("Rajwinder", 4), "Rajvinder"),
    },
    # Sikh pattern: given + Singh/Kaur (+ optional clan)
    family={
        "Sandhu": T(4, "ਸੰਧੂ", ("Sandhu", 1)),
        "Gill": T(4, "ਗਿੱਲ", ("Gill", 1)),
        "Sidhu": T(3, "ਸਿੱਧੂ", ("Sidhu", 1)),
        "Dhillon": T(3, "ਢਿੱਲੋਂ", ("Dhillon", 3), "Dhilon"),
        "Grewal": T(2, "ਗਰੇਵਾਲ", ("Grewal", 1)),
        "Brar": T(2, "ਬਰਾੜ", ("Brar", 1)),
        "Virk": T(2, "ਵਿਰਕ", ("Virk", 1)),
    },
    singh=T(1, "ਸਿੰਘ", ("Singh", 1)), kaur=T(1, "ਕੌਰ", ("Kaur", 1)),
)

ORIGINS["IN_HINDI"] = dict(
    country="IN", weight=3, women=0.1, script="deva", langs=[("hi", 1.0), ("en", 0.3)],
    given_m={
        "Rajesh": T(5, "राजेश", ("Rajesh", 1)),
        "Sunil": T(5, "सुनील", ("Sunil", 4), "Suneel"),
        "Amit": T(4, "अमित", ("Amit", 1)),
        "Vikram": T(3, "विक्रम", ("Vikram", 3), "Vikrum"),
        "Ramesh": T(3, "रमेश", ("Ramesh", 1)),
        "Sanjay": T(3, "संजय", ("Sanjay", 3), "Sanjai"),
        "Deepak": T(3, "दीपक", ("Deepak", 3), "Dipak"),
    },
    given_f={
        "Sunita": T(3, "सुनीता", ("Sunita", 3), "Suneeta"),
        "Pooja": T(3, "पूजा", ("Pooja", 3), "Puja"),
    },
    family={
        "Kumar": T(10, "कुमार", ("Kumar", 1)),
        "Sharma": T(4, "शर्मा", ("Sharma", 1)),
        "Yadav": T(3, "यादव", ("Yadav", 4), "Yadaw"),
        "Ram": T(3, "राम", ("Ram", 1)),
        "Devi": T(0, "देवी", ("Devi", 1)),
    },
)

ORIGINS["PK"] = dict(
    country="PK", weight=8, women=0.03, script="urdu", langs=[("ur", 1.0), ("pa", 0.5), ("en", 0.3)],
    given_m={
        "Imran": T(5, "عمران", ("Imran", 1)),
        "Asif": T(4, "آصف", ("Asif", 4), "Aasif"),
        "Bilal": T(4, "بلال", ("Bilal", 1)),
        "Usman": T(4, "عثمان", ("Usman", 4), "Osman", "Othman"),
        "Tariq": T(3, "طارق", ("Tariq", 4), "Tarik", "Tarek"),
        "Shahid": T(3, "شاہد", ("Shahid", 4), "Shaheed", "Shahed"),
        "Naveed": T(3, "نوید", ("Naveed", 4), "Navid", "Naved"),
        "Zeeshan": T(2, "ذیشان", ("Zeeshan", 3), "Zishan"),
        "Waqas": T(3, "وقاص", ("Waqas", 3), "Waqqas", "Vaqas"),
        "Ali": T(4, "علی", ("Ali", 1)),
        "Ahmed": T(5, "احمد", ("Ahmed", 4), "Ahmad"),
    },
    given_f={
        "Ayesha": T(2, "عائشہ", ("Ayesha", 3), "Aisha"),
        "Fatima": T(2, "فاطمہ", ("Fatima", 1)),
    },
    family={
        "Khan": T(8, "خان", ("Khan", 1)),
        "Hussain": T(6, "حسین", ("Hussain", 4), "Hussein", "Husain"),
        "Iqbal": T(4, "اقبال", ("Iqbal", 4), "Ikbal"),
        "Butt": T(3, "بٹ", ("Butt", 3), "Bhatt"),
        "Malik": T(4, "ملک", ("Malik", 1)),
        "Akhtar": T(3, "اختر", ("Akhtar", 3), "Akhter", "Akhtar"),
        "Javed": T(3, "جاوید", ("Javed", 4), "Javaid", "Jawed"),
        "Raza": T(2, "رضا", ("Raza", 3), "Rza"),
        "Ali": T(4, "علی", ("Ali", 1)),
        "Ahmed": T(3, "احمد", ("Ahmed", 4), "Ahmad"),
    },
    prefix=("Muhammad", T(1, "محمد", ("Muhammad", 5), "Mohammad", "Muhammed", "Mohammed", "Mohd"), 0.45),
)

ORIGINS["BD"] = dict(
    country="BD", weight=8, women=0.05, script="beng", langs=[("bn", 1.0), ("en", 0.3)],
    given_m={
        "Rahim": T(4, "রহিম", ("Rahim", 4), "Rohim"),
        "Karim": T(4, "করিম", ("Karim", 4), "Korim"),
        "Mizanur": T(3, "মিজানুর", ("Mizanur", 4), "Mijanur"),
        "Shahidul": T(3, "শহিদুল", ("Shahidul", 4), "Shohidul", "Shahedul"),
        "Alamgir": T(3, "আলমগীর", ("Alamgir", 4), "Alomgir"),
        "Rafiqul": T(3, "রফিকুল", ("Rafiqul", 4), "Rofiqul", "Rafikul"),
        "Jahangir": T(2, "জাহাঙ্গীর", ("Jahangir", 4), "Jahongir"),
        "Sohel": T(3, "সোহেল", ("Sohel", 4), "Shohel", "Sohail"),
        "Abdul": T(5, "আব্দুল", ("Abdul", 4), "Abdool"),
        "Rubel": T(3, "রুবেল", ("Rubel", 1)),
        "Kamal": T(3, "কামাল", ("Kamal", 4), "Komol"),
    },
    given_f={
        "Nasrin": T(2, "নাসরিন", ("Nasrin", 3), "Nasreen"),
        "Shirin": T(1, "শিরিন", ("Shirin", 3), "Shireen"),
        "Rina": T(1, "রিনা", ("Rina", 1)),
    },
    family={
        "Hossain": T(7, "হোসেন", ("Hossain", 5), "Hossen", "Hosen", "Hussain"),
        "Islam": T(7, "ইসলাম", ("Islam", 5), "Islaam"),
        "Uddin": T(6, "উদ্দিন", ("Uddin", 5), "Uddeen", "Udin"),
        "Rahman": T(6, "রহমান", ("Rahman", 5), "Rahaman", "Rehman"),
        "Miah": T(4, "মিয়া", ("Miah", 4), "Mia", "Mian"),
        "Alam": T(3, "আলম", ("Alam", 4), "Alom"),
        "Sarkar": T(2, "সরকার", ("Sarkar", 4), "Sorkar"),
    },
    family_f={
        "Akter": T(5, "আক্তার", ("Akter", 4), "Akhter", "Aktar"),
        "Begum": T(4, "বেগম", ("Begum", 1)),
        "Khatun": T(3, "খাতুন", ("Khatun", 4), "Khatoon"),
    },
    prefix=("Md", T(1, "মোহাম্মদ", ("Md", 5), ("Md.", 2), "Mohammad", "Mohammed", "Muhammad"), 0.5),
)

_ARABIC_M = {
    "Mohamed": T(14, "محمد", ("Mohamed", 8), ("Mohammed", 4), ("Mohamad", 2), ("Muhammad", 2), "Mhamed", "Mohammad"),
    "Ahmed": T(6, "أحمد", ("Ahmed", 6), "Ahmad", "Ahmet"),
    "Youssef": T(6, "يوسف", ("Youssef", 5), ("Youssouf", 1), ("Yusuf", 2), "Yousef", "Youcef"),
    "Said": T(4, "سعيد", ("Said", 5), "Saïd", "Saeed", "Saied"),
    "Rachid": T(4, "رشيد", ("Rachid", 5), "Rashid", "Rachide"),
    "Hassan": T(5, "حسن", ("Hassan", 5), "Hasan", "Hassane"),
    "Abdellah": T(4, "عبد الله", ("Abdellah", 4), "Abdallah", "Abdullah", "Abdelah"),
    "Mustapha": T(4, "مصطفى", ("Mustapha", 4), "Mustafa", "Moustapha", "Mostafa"),
    "Khalid": T(4, "خالد", ("Khalid", 4), "Khaled", "Khalide"),
    "Omar": T(4, "عمر", ("Omar", 4), "Umar", "Omer"),
    "Karim": T(3, "كريم", ("Karim", 4), "Kareem", "Karime"),
    "Ali": T(3, "علي", ("Ali", 1)),
}
_ARABIC_F = {
    "Fatima": T(5, "فاطمة", ("Fatima", 5), "Fatma", "Fatema"),
    "Khadija": T(4, "خديجة", ("Khadija", 5), "Khadidja", "Kadija"),
    "Naima": T(3, "نعيمة", ("Naima", 5), "Naïma", "Naeema"),
    "Amina": T(3, "أمينة", ("Amina", 5), "Aminah"),
    "Samira": T(2, "سميرة", ("Samira", 5), "Sameera"),
}

ORIGINS["MA"] = dict(
    country="MA", weight=12, women=0.12, script="arab", langs=[("ar", 1.0), ("fr", 0.4), ("it", 0.3)],
    given_m=_ARABIC_M, given_f=_ARABIC_F,
    family={
        "El Amrani": T(4, "العمراني", ("El Amrani", 4), "Elamrani", "Amrani"),
        "Benali": T(4, "بن علي", ("Benali", 4), "Ben Ali"),
        "Bouzid": T(3, "بوزيد", ("Bouzid", 4), "Bouzide", "Bu Zid"),
        "El Idrissi": T(3, "الإدريسي", ("El Idrissi", 4), "Idrissi", "Drissi"),
        "Alaoui": T(3, "العلوي", ("Alaoui", 4), "El Alaoui", "Alawi"),
        "Tazi": T(2, "التازي", ("Tazi", 1)),
        "Chakir": T(2, "شاكر", ("Chakir", 4), "Shakir"),
        "Haddad": T(3, "الحداد", ("Haddad", 4), "Hadad"),
        "Bennani": T(2, "بناني", ("Bennani", 4), "Benani"),
        "Ouahbi": T(2, "وهبي", ("Ouahbi", 4), "Wahbi"),
        "El Fassi": T(2, "الفاسي", ("El Fassi", 4), "Elfassi"),
        "Lahlou": T(2, "لحلو", ("Lahlou", 4), "Lahlu"),
    },
)

ORIGINS["EG"] = dict(
    country="EG", weight=6, women=0.03, script="arab", langs=[("ar", 1.0), ("en", 0.2)],
    given_m={
        "Mohamed": _ARABIC_M["Mohamed"], "Ahmed": _ARABIC_M["Ahmed"],
        "Mahmoud": T(5, "محمود", ("Mahmoud", 5), "Mahmud", "Mahmood"),
        "Mostafa": T(4, "مصطفى", ("Mostafa", 4), "Moustafa", "Mustafa"),
        "Ibrahim": T(4, "إبراهيم", ("Ibrahim", 5), "Ebrahim", "Ibrahem"),
        "Hany": T(2, "هاني", ("Hany", 4), "Hani"),
        "Sayed": T(3, "السيد", ("Sayed", 4), "Sayyed", "El Sayed"),
        "Abdelrahman": T(3, "عبد الرحمن", ("Abdelrahman", 4), "Abdel Rahman", "Abdulrahman"),
        "Amr": T(2, "عمرو", ("Amr", 4), "Amro"),
    },
    given_f={"Fatma": T(2, "فاطمة", ("Fatma", 4), "Fatima")},
    family={
        "Hassan": _ARABIC_M["Hassan"], "Ali": _ARABIC_M["Ali"],
        "Abdel Aziz": T(3, "عبد العزيز", ("Abdel Aziz", 4), "Abdelaziz", "Abd El Aziz"),
        "Farouk": T(2, "فاروق", ("Farouk", 4), "Farouq", "Faruk"),
        "Mansour": T(3, "منصور", ("Mansour", 4), "Mansur"),
        "Gaber": T(2, "جابر", ("Gaber", 4), "Jaber"),
        "Ibrahim": T(3, "إبراهيم", ("Ibrahim", 5), "Ebrahim"),
        "Mahmoud": T(3, "محمود", ("Mahmoud", 5), "Mahmud"),
        "Ahmed": _ARABIC_M["Ahmed"],
    },
)

ORIGINS["TN"] = dict(
    country="TN", weight=4, women=0.05, script="arab", langs=[("ar", 1.0), ("fr", 0.5), ("it", 0.3)],
    given_m={
        "Mohamed": _ARABIC_M["Mohamed"], "Ali": _ARABIC_M["Ali"], "Karim": _ARABIC_M["Karim"],
        "Sami": T(3, "سامي", ("Sami", 4), "Samy"),
        "Walid": T(3, "وليد", ("Walid", 4), "Oualid"),
        "Anis": T(2, "أنيس", ("Anis", 4), "Aniss"),
        "Hamza": T(2, "حمزة", ("Hamza", 4), "Hamsa"),
    },
    given_f={"Amina": _ARABIC_F["Amina"]},
    family={
        "Ben Salah": T(3, "بن صالح", ("Ben Salah", 4), "Bensalah"),
        "Trabelsi": T(4, "الطرابلسي", ("Trabelsi", 4), "Trabelssi", "Tarabulsi"),
        "Jlassi": T(3, "الجلاصي", ("Jlassi", 4), "Jelassi"),
        "Gharbi": T(3, "الغربي", ("Gharbi", 4), "Garbi"),
        "Ayari": T(2, "العياري", ("Ayari", 4), "Ayyari"),
        "Mejri": T(2, "الماجري", ("Mejri", 4), "Mejeri"),
    },
)

ORIGINS["SN"] = dict(
    country="SN", weight=7, women=0.06, script=None, langs=[("wo", 1.0), ("fr", 0.6), ("ff", 0.1)],
    given_m={
        "Mamadou": T(8, None, ("Mamadou", 6), "Mamadu", "Mamado"),
        "Moussa": T(6, None, ("Moussa", 5), "Musa", "Mousa"),
        "Ibrahima": T(5, None, ("Ibrahima", 5), "Ibrahim", "Ibrahimà"),
        "Cheikh": T(5, None, ("Cheikh", 5), "Cheick", "Sheikh", "Cheikhou"),
        "Abdoulaye": T(5, None, ("Abdoulaye", 5), "Abdulaye", "Abdoulay"),
        "Ousmane": T(5, None, ("Ousmane", 5), "Ousman"),
        "Modou": T(4, None, ("Modou", 5), "Modu"),
        "Aliou": T(3, None, ("Aliou", 5), "Alioune", "Aliu"),
        "Babacar": T(3, None, ("Babacar", 5), "Babakar"),
        "Serigne": T(2, None, ("Serigne", 5), "Serign"),
    },
    given_f={
        "Fatou": T(3, None, ("Fatou", 5), "Fatu"),
        "Aminata": T(3, None, ("Aminata", 1)),
        "Awa": T(2, None, ("Awa", 1)),
    },
    family={
        "Diop": T(6, None, ("Diop", 1)), "Ndiaye": T(6, None, ("Ndiaye", 5), "N'Diaye", "Ndiay"),
        "Fall": T(4, None, ("Fall", 5), "Fal"), "Sow": T(4, None, ("Sow", 1)),
        "Gueye": T(4, None, ("Gueye", 5), "Gaye", "Gueyé"), "Diallo": T(5, None, ("Diallo", 5), "Dialo"),
        "Sarr": T(3, None, ("Sarr", 5), "Sar"), "Ba": T(3, None, ("Ba", 1)),
        "Seck": T(3, None, ("Seck", 5), "Sek"), "Faye": T(3, None, ("Faye", 5), "Fay"),
        "Mbaye": T(3, None, ("Mbaye", 5), "M'Baye"), "Cisse": T(3, None, ("Cisse", 4), "Cissé", "Sisse"),
    },
)

ORIGINS["ML"] = dict(
    country="ML", weight=4, women=0.03, script=None, langs=[("bm", 1.0), ("fr", 0.5)],
    given_m={
        "Mamadou": ORIGINS["SN"]["given_m"]["Mamadou"], "Moussa": ORIGINS["SN"]["given_m"]["Moussa"],
        "Seydou": T(4, None, ("Seydou", 5), "Seidou", "Saidou"),
        "Boubacar": T(4, None, ("Boubacar", 5), "Aboubacar", "Bubacar"),
        "Adama": T(4, None, ("Adama", 1)),
        "Drissa": T(3, None, ("Drissa", 5), "Dirissa"),
        "Souleymane": T(4, None, ("Souleymane", 5), "Souleiman", "Suleyman"),
        "Bakary": T(3, None, ("Bakary", 5), "Bakari"),
    },
    given_f={"Aminata": T(2, None, ("Aminata", 1))},
    family={
        "Traore": T(6, None, ("Traore", 4), "Traoré", "Trawore"),
        "Coulibaly": T(5, None, ("Coulibaly", 4), "Koulibaly", "Kulibali"),
        "Keita": T(4, None, ("Keita", 4), "Keïta", "Keyta"),
        "Diarra": T(4, None, ("Diarra", 4), "Diara"),
        "Konate": T(3, None, ("Konate", 4), "Konaté"),
        "Camara": T(3, None, ("Camara", 4), "Kamara"),
        "Sissoko": T(3, None, ("Sissoko", 4), "Cissoko"),
        "Diallo": T(3, None, ("Diallo", 5), "Dialo"),
    },
)

ORIGINS["GM"] = dict(
    country="GM", weight=4, women=0.03, script=None, langs=[("en", 0.8), ("wo", 0.5), ("ff", 0.2)],
    given_m={
        "Lamin": T(6, None, ("Lamin", 5), "Lamine"),
        "Ebrima": T(5, None, ("Ebrima", 5), "Ebrimah"),
        "Modou": T(4, None, ("Modou", 5), "Modu"),
        "Alieu": T(3, None, ("Alieu", 5), "Aliu"),
        "Ousman": T(3, None, ("Ousman", 5), "Ousmane"),
        "Musa": T(4, None, ("Musa", 5), "Moussa"),
        "Omar": T(3, None, ("Omar", 1)),
        "Bakary": T(3, None, ("Bakary", 5), "Bakari"),
    },
    given_f={"Isatou": T(2, None, ("Isatou", 5), "Isatu"), "Mariama": T(2, None, ("Mariama", 5), "Mariam")},
    family={
        "Jallow": T(6, None, ("Jallow", 5), "Jalloh"),
        "Ceesay": T(5, None, ("Ceesay", 5), "Ceesey", "Sisay"),
        "Bah": T(4, None, ("Bah", 1)),
        "Sowe": T(3, None, ("Sowe", 4), "Sow"),
        "Jobe": T(3, None, ("Jobe", 4), "Job"),
        "Touray": T(3, None, ("Touray", 4), "Toure"),
        "Jammeh": T(3, None, ("Jammeh", 4), "Jammeh", "Jame"),
        "Darboe": T(2, None, ("Darboe", 4), "Darbo"),
        "Sanneh": T(3, None, ("Sanneh", 4), "Saneh"),
        "Njie": T(2, None, ("Njie", 1)),
    },
)

ORIGINS["NG"] = dict(
    country="NG", weight=6, women=0.45, script=None, langs=[("en", 1.0), ("yo", 0.2), ("ig", 0.2)],
    given_m={
        "Chinedu": T(3, None, ("Chinedu", 4), "Chinedum"),
        "Emeka": T(3, None, ("Emeka", 1)),
        "Ifeanyi": T(2, None, ("Ifeanyi", 4), "Ifeanyichukwu"),
        "Osas": T(2, None, ("Osas", 1)),
        "Godstime": T(2, None, ("Godstime", 4), "Godtime"),
        "Samuel": T(3, None, ("Samuel", 1)),
        "Daniel": T(3, None, ("Daniel", 1)),
    },
    given_f={
        "Blessing": T(6, None, ("Blessing", 1)),
        "Joy": T(4, None, ("Joy", 1)),
        "Precious": T(4, None, ("Precious", 1)),
        "Favour": T(3, None, ("Favour", 4), "Favor"),
        "Mercy": T(3, None, ("Mercy", 1)),
        "Esther": T(3, None, ("Esther", 4), "Ester"),
        "Peace": T(2, None, ("Peace", 1)),
        "Gift": T(2, None, ("Gift", 1)),
    },
    family={
        "Okafor": T(3, None, ("Okafor", 1)), "Eze": T(3, None, ("Eze", 1)),
        "Okonkwo": T(2, None, ("Okonkwo", 4), "Okonkwoh"), "Adeyemi": T(2, None, ("Adeyemi", 4), "Adeyemy"),
        "Osagie": T(4, None, ("Osagie", 4), "Osaghie"), "Igbinedion": T(2, None, ("Igbinedion", 4), "Igbinedon"),
        "Obi": T(2, None, ("Obi", 1)), "Omoregie": T(3, None, ("Omoregie", 4), "Omoreggie"),
        "Idahosa": T(3, None, ("Idahosa", 4), "Idahossa"), "Ogbonna": T(2, None, ("Ogbonna", 4), "Ogbona"),
        "Osaro": T(2, None, ("Osaro", 1)), "Uwadia": T(2, None, ("Uwadia", 1)),
    },
)

ORIGINS["GH"] = dict(
    country="GH", weight=3, women=0.1, script=None, langs=[("en", 1.0), ("ak", 0.6), ("tw", 0.2)],
    given_m={
        "Kwame": T(4, None, ("Kwame", 4), "Kwami"), "Kofi": T(4, None, ("Kofi", 1)),
        "Kwabena": T(3, None, ("Kwabena", 4), "Kobina"), "Yaw": T(3, None, ("Yaw", 1)),
        "Kwaku": T(3, None, ("Kwaku", 4), "Kweku"), "Emmanuel": T(4, None, ("Emmanuel", 4), "Emanuel"),
        "Isaac": T(2, None, ("Isaac", 4), "Isaak"),
    },
    given_f={"Akua": T(2, None, ("Akua", 1)), "Abena": T(2, None, ("Abena", 1)), "Ama": T(2, None, ("Ama", 1))},
    family={
        "Mensah": T(5, None, ("Mensah", 4), "Mensa"), "Owusu": T(4, None, ("Owusu", 1)),
        "Boateng": T(4, None, ("Boateng", 4), "Boatang"), "Asante": T(3, None, ("Asante", 1)),
        "Osei": T(3, None, ("Osei", 1)), "Appiah": T(3, None, ("Appiah", 4), "Apiah"),
        "Agyeman": T(2, None, ("Agyeman", 4), "Agyemang"), "Darko": T(2, None, ("Darko", 1)),
        "Amoah": T(2, None, ("Amoah", 4), "Amoa"),
    },
)

ORIGINS["RO"] = dict(
    country="RO", weight=7, women=0.35, script=None, langs=[("ro", 1.0), ("it", 0.5)],
    given_m={
        "Ion": T(5, None, ("Ion", 1)), "Gheorghe": T(4, None, ("Gheorghe", 5), "Gheorghi", "Georghe"),
        "Vasile": T(4, None, ("Vasile", 1)), "Constantin": T(4, None, ("Constantin", 5), "Costantin"),
        "Mihai": T(4, None, ("Mihai", 5), "Mihail"), "Florin": T(3, None, ("Florin", 1)),
        "Ionut": T(3, None, ("Ionuț", 3), ("Ionut", 3), "Ionuţ"), "Marian": T(3, None, ("Marian", 1)),
        "Stefan": T(2, None, ("Ștefan", 3), ("Stefan", 3), "Ştefan"), "Nicolae": T(3, None, ("Nicolae", 4), "Niculae"),
    },
    given_f={
        "Maria": T(5, None, ("Maria", 1)), "Elena": T(4, None, ("Elena", 1)), "Ioana": T(3, None, ("Ioana", 1)),
        "Mihaela": T(3, None, ("Mihaela", 4), "Michaela"), "Florentina": T(2, None, ("Florentina", 1)),
        "Georgiana": T(2, None, ("Georgiana", 4), "Giorgiana"),
    },
    family={
        "Popescu": T(5, None, ("Popescu", 1)), "Ionescu": T(3, None, ("Ionescu", 1)), "Popa": T(4, None, ("Popa", 1)),
        "Stan": T(3, None, ("Stan", 1)), "Dumitru": T(3, None, ("Dumitru", 1)), "Constantin": T(3, None, ("Constantin", 1)),
        "Stoica": T(3, None, ("Stoica", 1)), "Munteanu": T(3, None, ("Munteanu", 4), "Muntean"),
        "Lungu": T(2, None, ("Lungu", 1)), "Rusu": T(2, None, ("Rusu", 1)), "Căpraru": T(1, None, ("Căpraru", 3), ("Capraru", 3)),
        "Țurcanu": T(1, None, ("Țurcanu", 3), ("Turcanu", 3), "Ţurcanu"),
    },
)

ORIGINS["AL"] = dict(
    country="AL", weight=4, women=0.15, script=None, langs=[("sq", 1.0), ("it", 0.6)],
    given_m={
        "Arben": T(3, None, ("Arben", 1)), "Gentian": T(3, None, ("Gentian", 4), "Genti"),
        "Ilir": T(3, None, ("Ilir", 1)), "Besnik": T(2, None, ("Besnik", 1)), "Fatmir": T(2, None, ("Fatmir", 1)),
        "Erion": T(3, None, ("Erion", 1)), "Artan": T(2, None, ("Artan", 1)), "Klodian": T(2, None, ("Klodian", 4), "Klodjan"),
        "Ermal": T(2, None, ("Ermal", 1)),
    },
    given_f={"Elona": T(2, None, ("Elona", 1)), "Jonida": T(2, None, ("Jonida", 1))},
    family={
        "Hoxha": T(5, None, ("Hoxha", 4), "Hoxa", "Hodja"), "Shehu": T(3, None, ("Shehu", 4), "Sheu"),
        "Gjoka": T(2, None, ("Gjoka", 4), "Gioka"), "Krasniqi": T(3, None, ("Krasniqi", 4), "Krasnici"),
        "Berisha": T(3, None, ("Berisha", 1)), "Leka": T(2, None, ("Leka", 1)),
        "Dervishi": T(2, None, ("Dervishi", 4), "Dervisci"), "Cela": T(2, None, ("Çela", 3), ("Cela", 3)),
        "Marku": T(2, None, ("Marku", 1)),
    },
)

ORIGINS["UA"] = dict(
    country="UA", weight=3, women=0.6, script="cyr", langs=[("uk", 1.0), ("ru", 0.6)],
    given_m={
        "Oleksandr": T(4, "Олександр", ("Oleksandr", 5), "Oleksander", "Aleksandr", "Alexander", "Olexandr"),
        "Serhii": T(3, "Сергій", ("Serhii", 4), "Serhiy", "Sergiy", "Sergei", "Sergii"),
        "Andrii": T(3, "Андрій", ("Andrii", 4), "Andriy", "Andrey"),
        "Ivan": T(2, "Іван", ("Ivan", 1)),
        "Mykola": T(2, "Микола", ("Mykola", 4), "Nikolai", "Mikola"),
    },
    given_f={
        "Tetiana": T(4, "Тетяна", ("Tetiana", 4), "Tetyana", "Tatiana", "Tatyana"),
        "Nataliia": T(4, "Наталія", ("Nataliia", 4), "Natalia", "Nataliya"),
        "Oksana": T(4, "Оксана", ("Oksana", 1)),
        "Yuliia": T(3, "Юлія", ("Yuliia", 4), "Yulia", "Iuliia", "Julia"),
        "Olena": T(3, "Олена", ("Olena", 4), "Elena", "Olena"),
        "Halyna": T(2, "Галина", ("Halyna", 4), "Galina", "Halina"),
    },
    family={
        "Shevchenko": T(3, "Шевченко", ("Shevchenko", 4), "Shevtchenko", "Chevtchenko", "Schewtschenko"),
        "Kovalenko": T(3, "Коваленко", ("Kovalenko", 1)),
        "Bondarenko": T(3, "Бондаренко", ("Bondarenko", 1)),
        "Tkachenko": T(2, "Ткаченко", ("Tkachenko", 4), "Tkatchenko"),
        "Kravchenko": T(2, "Кравченко", ("Kravchenko", 4), "Kravtchenko"),
        "Melnyk": T(3, "Мельник", ("Melnyk", 4), "Melnik", "Melnic"),
        "Boiko": T(2, "Бойко", ("Boiko", 4), "Boyko"),
        "Kovalchuk": T(2, "Ковальчук", ("Kovalchuk", 4), "Kowalczuk", "Kovalciuc"),
    },
    fem_family={"Shevchenko": None},
)

ORIGINS["MD"] = dict(
    country="MD", weight=3, women=0.55, script="cyr", langs=[("ro", 1.0), ("ru", 0.7)],
    given_m={
        "Ion": T(4, "Ион", ("Ion", 1)), "Vasile": T(3, "Василе", ("Vasile", 1)),
        "Sergiu": T(3, "Сергиу", ("Sergiu", 4), "Serghei", "Sergei"), "Andrei": T(3, "Андрей", ("Andrei", 4), "Andrey"),
        "Victor": T(2, "Виктор", ("Victor", 4), "Viktor"),
    },
    given_f={
        "Natalia": T(4, "Наталья", ("Natalia", 4), "Natalya", "Natalie"),
        "Svetlana": T(3, "Светлана", ("Svetlana", 1)),
        "Tatiana": T(3, "Татьяна", ("Tatiana", 4), "Tatyana", "Tatiania"),
        "Olga": T(3, "Ольга", ("Olga", 1)),
        "Ludmila": T(2, "Людмила", ("Ludmila", 4), "Liudmila", "Lyudmila"),
    },
    family={
        "Rusu": T(3, "Русу", ("Rusu", 1)), "Ceban": T(3, "Чебан", ("Ceban", 4), "Cheban", "Ceaban"),
        "Ciobanu": T(3, "Чобану", ("Ciobanu", 4), "Chobanu"), "Munteanu": T(2, "Мунтяну", ("Munteanu", 4), "Muntyanu"),
        "Cojocaru": T(3, "Кожокару", ("Cojocaru", 4), "Kozhokaru"), "Lungu": T(2, "Лунгу", ("Lungu", 1)),
        "Turcan": T(2, "Цуркан", ("Țurcan", 3), ("Turcan", 3), "Tsurkan"),
    },
)

# Chinese: family name first; given names one token (pinyin), hanzi written together
ORIGINS["CN"] = dict(
    country="CN", weight=2, women=0.45, script="han", langs=[("zh", 1.0), ("it", 0.3)],
    given_m={
        "Wei": T(4, "伟", ("Wei", 1)), "Jun": T(3, "军", ("Jun", 4), "Chun"), "Lei": T(3, "磊", ("Lei", 1)),
        "Yong": T(3, "勇", ("Yong", 4), "Yung"), "Jianguo": T(2, "建国", ("Jianguo", 4), "Jian Guo", "Chien-kuo"),
        "Xiaoming": T(2, "小明", ("Xiaoming", 4), "Xiao Ming", "Hsiao-ming"),
    },
    given_f={
        "Na": T(3, "娜", ("Na", 1)), "Jing": T(3, "静", ("Jing", 4), "Ching"), "Fang": T(3, "芳", ("Fang", 1)),
        "Min": T(3, "敏", ("Min", 1)), "Xiaoli": T(2, "小丽", ("Xiaoli", 4), "Xiao Li", "Hsiao-li"),
    },
    family={
        "Wang": T(6, "王", ("Wang", 5), "Wong"), "Li": T(5, "李", ("Li", 5), "Lee"), "Zhang": T(5, "张", ("Zhang", 5), "Chang"),
        "Chen": T(5, "陈", ("Chen", 5), "Chan", "Ch'en"), "Hu": T(4, "胡", ("Hu", 5), "Hoo"),
        "Zhou": T(3, "周", ("Zhou", 5), "Chou"), "Lin": T(3, "林", ("Lin", 5), "Lam"),
        "Huang": T(3, "黄", ("Huang", 5), "Hwang", "Wong"), "Wu": T(3, "吴", ("Wu", 5), "Woo"),
    },
    family_first=True,
)

# Nicknames that teams write down alongside or instead of names
NICKNAMES = {
    "Mohamed": ["Momo", "Hamid"], "Muhammad": ["Mohd"], "Mamadou": ["Mame", "Madou"],
    "Abdoulaye": ["Laye"], "Gurpreet": ["Gopi"], "Harpreet": ["Happy"], "Ibrahima": ["Iba"],
    "Youssef": ["Yussi"], "Oleksandr": ["Sasha"], "Serhii": ["Serhiy"], "Ebrima": ["Ebou"],
    "Blessing": ["Bless"], "Mustapha": ["Musti"],
}
CN_ITALIAN = ["Marco", "Luca", "Giulia", "Anna", "Paolo", "Sara", "Matteo", "Lucia"]
