# -*- coding: utf-8 -*-
"""Name data for the synthetic PUA population (independent checker's own tables).

Each entry: "Latin1|Latin2|...=native script 1 forms;native script 2 forms"
  - Latin variants: first is the most usual spelling, later ones are rarer
    (transliteration / spelling variants actually seen on documents and forms).
  - native forms per script separated by ';' (alternate writings within a script by '|').
Order within a list = decreasing frequency (Zipf-like weights applied by the generator).
"""

ORIGINS = {}

def origin(key, **kw):
    ORIGINS[key] = kw

# ---------------------------------------------------------------- Morocco
origin("MA", country="MA", alt=["DZ", "TN"], weight=12, women=0.18,
       langs=[("ar", .95), ("fr", .35), ("es", .08), ("it", .25)],
       scripts=["arab"], areas={"T1": 3, "T2": 2, "T3": 2, "T4": 3, "T5": 2, "T6": 2, "T7": 2},
       boost={"Mohamed": 2.0}, derived=[("Ben", "بن", 0.2), ("Ait", "آيت", 0.1)],
       gm="""Mohamed|Mohammed|Mohamad|Muhammad|Mohammad|Mhamed=محمد
Ahmed|Ahmad|Hmed=أحمد|احمد
Youssef|Yousef|Youssouf|Yusuf|Youcef=يوسف
Abdelkader|Abdel Kader|Abdelkadir|Abdulkader=عبد القادر|عبدالقادر
Said|Saïd|Saeed=سعيد
Rachid|Rashid|Rachide|Rasheed=رشيد
Mustapha|Mustafa|Moustapha|Mostafa=مصطفى
Hassan|Hasan|Hacen=حسن
Hicham|Hisham|Hichem=هشام
Khalid|Khaled|Halid=خالد
Abdellah|Abdallah|Abdullah|Abdalla=عبد الله|عبدالله
Omar|Umar|Oumar=عمر
Karim|Kareem=كريم
Nabil|Nabeel=نبيل
Aziz|Azeez=عزيز
Brahim|Ibrahim|Ebrahim=ابراهيم|إبراهيم
Abderrahim|Abdurrahim|Abderahim|Abdel Rahim=عبد الرحيم
Driss|Idriss|Idris=إدريس|ادريس
Jamal|Djamal|Gamal=جمال
Noureddine|Nour Eddine|Nourdine|Nureddin=نور الدين
Lahcen|Lahsen|Lahcene=لحسن
Mohcine|Mohsin|Mohsine=محسن
Abdelhak|Abdel Hak|Abdelhaq=عبد الحق
Redouane|Redwan|Ridouane|Ridwan=رضوان
Zakaria|Zakariya|Zakariae=زكرياء|زكريا
Ayoub|Ayub|Ayyoub=أيوب|ايوب
Soufiane|Sofiane|Sufyan=سفيان
Amine|Amin=أمين|امين
Hamza|Hamsa=حمزة
Anass|Anas=أنس""",
       gf="""Fatima|Fatma|Fatimah|Fadma=فاطمة
Khadija|Khadidja|Khadijah|Hadija=خديجة
Aicha|Aisha|Aïcha|Aycha=عائشة|عايشة
Zineb|Zainab|Zeinab|Zaynab=زينب
Naima|Naïma|Naeema=نعيمة
Samira|Sameera=سميرة
Latifa|Latefa=لطيفة
Hanane|Hanan=حنان
Malika|Malica=مليكة
Najat|Nejat=نجاة
Souad|Suad|Soad=سعاد
Rachida|Rashida=رشيدة
Nadia|Nadja=نادية
Karima|Kareema=كريمة
Saida|Saïda=سعيدة
Hayat|Hayet=حياة
Meriem|Maryam|Mariam|Meryem=مريم
Salma|Selma=سلمى
Imane|Iman|Imene=إيمان|ايمان
Loubna|Lubna=لبنى""",
       fam="""Benali|Ben Ali|Ben-Ali=بنعلي|بن علي
El Idrissi|Idrissi|El-Idrissi|Elidrissi=الإدريسي|الادريسي
Alaoui|El Alaoui|Elalaoui=العلوي
Bennani|Benani=بناني
Tazi|Tazzi=التازي
El Amrani|Amrani|Elamrani=العمراني
Chraibi|Cheraibi=الشرايبي
Berrada|Berada=برادة
El Fassi|Fassi|Elfassi=الفاسي
Boukhris|Boukris=بوخريص
Haddad|Hadad=حداد
Belkadi|Belkady=بلقاضي
Lahlou|Lahlu=لحلو
Ziani|Zyani=الزياني
El Mansouri|Mansouri|Elmansouri=المنصوري
Ouazzani|Ouazani|Wazzani=الوزاني
Bouzid|Buzid=بوزيد
El Khatib|Khatib|Elkhatib=الخطيب
Benjelloun|Ben Jelloun|Benjeloun=بنجلون
Ait Lahcen|Ait Lahsen|Aitlahcen=آيت لحسن|ايت لحسن
Ait Ouali|Aitouali|Ait Wali=آيت والي
El Ouardi|Ouardi|Elouardi=الوردي
Hamdaoui|Hamdawi=الحمداوي
Saidi|Saïdi|Essaidi|Es-Saidi=السعيدي
Rahmouni|Rahmuni=الرحموني
Bakkali|Bakali|El Bakkali=البقالي
Tahiri|Ettahiri=الطاهري
Karimi|Kerimi=الكريمي
Naciri|Nasiri|Nasseri=الناصري
Ouahbi|Wahbi=الوهبي""")

# ---------------------------------------------------------------- Egypt
origin("EG", country="EG", alt=["SD", "LY"], weight=7, women=0.08,
       langs=[("ar", 1.0), ("en", .2), ("it", .2)],
       scripts=["arab"], areas={"T7": 4, "T1": 2, "T4": 2, "T5": 1},
       boost={"Mohamed": 2.2}, middle=0.45, fam_from_given=0.4,
       gm="""Mohamed|Mohammed|Muhammad|Mohamad=محمد
Ahmed|Ahmad=أحمد|احمد
Mahmoud|Mahmud|Mahmood=محمود
Mostafa|Mustafa|Moustafa=مصطفى
Ali|Aly=علي
Hassan|Hasan=حسن
Ibrahim|Ebrahim=إبراهيم|ابراهيم
Khaled|Khalid=خالد
Amr|Amro=عمرو
Tarek|Tarik|Tariq=طارق
Walid|Waleed=وليد
Sherif|Sharif|Cherif=شريف
Hossam|Hosam|Husam=حسام
Islam|Eslam=إسلام|اسلام
Karim|Kareem=كريم
Gamal|Jamal=جمال
Sayed|Sayyid|Said=سيد
Abdallah|Abdullah|Abdalla=عبد الله|عبدالله
Youssef|Yousef|Yusuf=يوسف
Omar|Omer=عمر
Hany|Hani=هاني
Ayman|Aiman=أيمن|ايمن
Ashraf|Achraf=أشرف|اشرف""",
       gf="""Mona|Muna=منى
Heba|Hiba=هبة
Nour|Nur|Noor=نور
Aya|Aaya=آية|اية
Mariam|Maryam|Mariem=مريم
Fatma|Fatima=فاطمة
Amira|Ameera=أميرة|اميرة
Doaa|Duaa=دعاء
Asmaa|Asma=أسماء|اسماء
Rania|Ranya=رانيا
Yasmin|Yasmine=ياسمين""",
       fam="""Abdelrahman|Abdel Rahman|Abd El Rahman|Abdulrahman=عبد الرحمن|عبدالرحمن
Hassan|Hasan=حسن
Ibrahim|Ebrahim=إبراهيم|ابراهيم
El Sayed|Elsayed|El-Sayed=السيد
Mahmoud|Mahmud=محمود
Mostafa|Mustafa=مصطفى
Abdel Aziz|Abdelaziz|Abd El Aziz=عبد العزيز|عبدالعزيز
Farouk|Farouq|Faruk=فاروق
Saleh|Salih=صالح
Fathy|Fathi=فتحي
Shehata|Shahata=شحاتة
Ragab|Rajab=رجب
Abdelhamid|Abdel Hamid|Abd El Hamid=عبد الحميد
Mansour|Mansur=منصور
Soliman|Suleiman|Sulaiman=سليمان
Ismail|Esmail=إسماعيل|اسماعيل
Kamel|Kamil=كامل
Gaber|Jaber=جابر
Attia|Atia=عطية
Moussa|Mousa|Musa=موسى
Hegazy|Hegazi|Higazi=حجازي
El Masry|Elmasry|Masri=المصري
Zaki|Zaky=زكي""")

# ---------------------------------------------------------------- Tunisia
origin("TN", country="TN", alt=["DZ", "MA"], weight=4, women=0.1,
       langs=[("ar", 1.0), ("fr", .5), ("it", .3)],
       scripts=["arab"], areas={"T2": 1, "T3": 2, "T4": 1, "T5": 1, "T7": 1},
       boost={"Mohamed": 1.8}, derived=[("Ben", "بن", 0.25)],
       gm="""Mohamed|Mohammed|Mohamad=محمد
Ahmed|Ahmad=أحمد|احمد
Sami|Samy=سامي
Walid|Oualid|Waleed=وليد
Nizar|Nizzar=نزار
Hatem|Hatim=حاتم
Anis|Aniss=أنيس|انيس
Mehdi|Mahdi=مهدي
Bilel|Bilal=بلال
Amine|Amin=أمين|امين
Hamza|Hamsa=حمزة
Oussama|Osama|Usama=أسامة|اسامة
Slim|Selim=سليم
Riadh|Riad|Ryad=رياض
Fethi|Fathi=فتحي
Chokri|Choukri|Shukri=شكري
Mourad|Murad=مراد
Hichem|Hisham=هشام
Wassim|Wasim=وسيم
Yassine|Yacine|Yasin=ياسين""",
       gf="""Fatma|Fatima=فاطمة
Amel|Amal=أمل|امل
Rim|Reem=ريم
Ines|Inès=إيناس|ايناس
Olfa|Olpha=ألفة|الفة
Sarra|Sara=سارة
Hela|Hala=هالة
Nadia|Nadya=نادية
Salma|Selma=سلمى""",
       fam="""Ben Salah|Bensalah=بن صالح
Trabelsi|Trablesi|Tarabulsi=الطرابلسي
Ben Ali|Benali=بن علي
Gharbi|Garbi|El Gharbi=الغربي
Jebali|Jbali|Djebali=الجبالي
Hammami|Hamami=الحمامي
Mejri|Majri=الماجري
Ayari|Ayyari=العياري
Bouazizi|Bouazzizi=البوعزيزي
Chaabane|Chaban|Shaaban=شعبان
Jlassi|Jelassi=الجلاصي
Dridi|Dridy=الدريدي
Sassi|Sasi=الساسي
Ben Amor|Benamor=بن عمر
Mabrouk|Mabruk=مبروك
Tlili|Tlilli=التليلي
Khemiri|Khmiri=الخميري
Zouari|Zuari=الزواري
Ferchichi|Farshishi=الفرشيشي
Hamdi|Hamdy=حمدي""")

# ---------------------------------------------------------------- Pakistan (Urdu script)
origin("PK", country="PK", alt=["AF", "IN"], weight=9, women=0.05,
       langs=[("ur", .9), ("pa", .5), ("en", .3), ("it", .15)],
       scripts=["urdu"], areas={"T4": 4, "T1": 3, "T7": 2, "T5": 1},
       prefix=("Muhammad|Mohammad|Muhammed|Mohammed|M.=محمد", 0.35), middle=0.2, fam_from_given=0.3,
       gm="""Ali|Aly=علی|علي
Imran|Imraan=عمران
Asif|Aasif=آصف
Bilal|Belal=بلال
Usman|Osman|Othman=عثمان
Kashif|Kashef=کاشف
Zeeshan|Zishan|Zeshan=ذیشان
Shahid|Shahed=شاہد
Tariq|Tarik|Tarique=طارق
Adnan|Adnaan=عدنان
Waqas|Waqqas|Vaqas=وقاص
Naveed|Navid|Naved=نوید
Faisal|Faysal=فیصل
Amir|Aamir|Aamer=عامر
Sajid|Sajed=ساجد
Rizwan|Rizvan=رضوان
Arshad|Arshed=ارشد
Nadeem|Nadim=ندیم
Javed|Javaid|Javeed=جاوید
Irfan|Irfaan=عرفان
Hamza|Hamzah=حمزہ
Umer|Umar|Omar=عمر
Shahzad|Shehzad|Shazad=شہزاد
Abdul Rehman|Abdur Rahman|Abdul Rahman|Abdulrehman=عبدالرحمن|عبد الرحمن""",
       gf="""Ayesha|Aisha|Aysha=عائشہ
Sana|Sanaa=ثناء
Nazia|Naziya=نازیہ
Rubina|Robina=روبینہ
Shazia|Shaziya=شازیہ
Fatima|Fatma=فاطمہ
Saima|Saimah=صائمہ
Nasreen|Nasrin=نسرین
Bushra|Bushraa=بشریٰ|بشری""",
       fam="""Khan|Khaan=خان
Ahmed|Ahmad=احمد
Hussain|Hussein|Husain=حسین
Ali|Aly=علی
Iqbal|Ikbal=اقبال
Butt|Bhatt|But=بٹ
Chaudhry|Chaudhary|Choudhry|Chaudri=چوہدری|چودھری
Malik|Malick=ملک
Akhtar|Akhter=اختر
Shah|Shaah=شاہ
Qureshi|Kureshi|Qurashi=قریشی
Javed|Javaid=جاوید
Raza|Riza=رضا
Mehmood|Mahmood|Mahmud=محمود
Aslam|Aslaam=اسلم
Rafiq|Rafique|Rafik=رفیق
Bhatti|Bhati=بھٹی
Gondal|Gondel=گوندل
Warraich|Waraich|Varaich=وڑائچ
Cheema|Chima=چیمہ
Bajwa|Bajva=باجوہ
Sheikh|Shaikh=شیخ
Abbasi|Abasi=عباسی
Mughal|Moghal=مغل""")

# ---------------------------------------------------------------- India: Punjab (Sikh), Gurmukhi / Devanagari
origin("INpa", country="IN", alt=["PK"], weight=18, women=0.2,
       langs=[("pa", .98), ("hi", .45), ("en", .3), ("it", .2)],
       scripts=["guru", "deva"], areas={"T2": 4, "T3": 4, "T4": 3, "T5": 3, "T6": 1, "T1": 1},
       sikh=True, zipf=0.5,
       gm="""Gurpreet|Gurprit|Gurpret=ਗੁਰਪ੍ਰੀਤ;गुरप्रीत
Harpreet|Harprit|Harpret=ਹਰਪ੍ਰੀਤ;हरप्रीत
Manpreet|Manprit=ਮਨਪ੍ਰੀਤ;मनप्रीत
Jaswinder|Jasvinder|Jaswindar=ਜਸਵਿੰਦਰ;जसविंदर
Sukhwinder|Sukhvinder|Sukhwindar=ਸੁਖਵਿੰਦਰ;सुखविंदर
Kulwinder|Kulvinder=ਕੁਲਵਿੰਦਰ;कुलविंदर
Gurwinder|Gurvinder=ਗੁਰਵਿੰਦਰ;गुरविंदर
Harjinder|Harjindar=ਹਰਜਿੰਦਰ;हरजिंदर
Paramjit|Paramjeet|Parmjit|Parmjeet=ਪਰਮਜੀਤ;परमजीत
Harjit|Harjeet=ਹਰਜੀਤ;हरजीत
Kuldeep|Kuldip=ਕੁਲਦੀਪ;कुलदीप
Baljit|Baljeet=ਬਲਜੀਤ;बलजीत
Amarjit|Amarjeet=ਅਮਰਜੀਤ;अमरजीत
Ranjit|Ranjeet=ਰਣਜੀਤ;रणजीत
Hardeep|Hardip=ਹਰਦੀਪ;हरदीप
Rajinder|Rajender|Rajindar=ਰਾਜਿੰਦਰ;राजिंदर
Lakhwinder|Lakhvinder=ਲਖਵਿੰਦਰ;लखविंदर
Gurdeep|Gurdip=ਗੁਰਦੀਪ;गुरदीप
Amandeep|Amandip=ਅਮਨਦੀਪ;अमनदीप
Jagdeep|Jagdip=ਜਗਦੀਪ;जगदीप
Sandeep|Sandip=ਸੰਦੀਪ;संदीप
Balwinder|Balvinder=ਬਲਵਿੰਦਰ;बलविंदर
Harvinder|Harwinder=ਹਰਵਿੰਦਰ;हरविंदर
Parminder|Parmindar=ਪਰਮਿੰਦਰ;परमिंदर
Gurmeet|Gurmit=ਗੁਰਮੀਤ;गुरमीत
Jasbir|Jasbeer=ਜਸਬੀਰ;जसबीर
Sarabjit|Sarbjit|Sarabjeet=ਸਰਬਜੀਤ;सरबजीत
Navdeep|Navdip=ਨਵਦੀਪ;नवदीप
Mandeep|Mandip=ਮਨਦੀਪ;मनदीप
Gurjit|Gurjeet=ਗੁਰਜੀਤ;गुरजीत
Jaspreet|Jasprit=ਜਸਪ੍ਰੀਤ;जसप्रीत
Satnam|Sattnam=ਸਤਨਾਮ;सतनाम
Tarsem|Tarsam=ਤਰਸੇਮ;तरसेम
Jasvir|Jasveer=ਜਸਵੀਰ;जसवीर
Rupinder|Rupindar=ਰੁਪਿੰਦਰ;रुपिंदर
Inderjit|Inderjeet|Indarjit=ਇੰਦਰਜੀਤ;इंदरजीत
Manjit|Manjeet=ਮਨਜੀਤ;मनजीत
Davinder|Devinder|Dawinder=ਦਵਿੰਦਰ;दविंदर
Charanjit|Charanjeet=ਚਰਨਜੀਤ;चरनजीत
Bhupinder|Bhupindar=ਭੁਪਿੰਦਰ;भुपिंदर""",
       gf="""Harpreet|Harprit=ਹਰਪ੍ਰੀਤ;हरप्रीत
Jaspreet|Jasprit=ਜਸਪ੍ਰੀਤ;जसप्रीत
Manpreet|Manprit=ਮਨਪ੍ਰੀਤ;मनप्रीत
Gurpreet|Gurprit=ਗੁਰਪ੍ਰੀਤ;गुरप्रीत
Amandeep|Amandip=ਅਮਨਦੀਪ;अमनदीप
Kamaljit|Kamaljeet=ਕਮਲਜੀਤ;कमलजीत
Navdeep|Navdip=ਨਵਦੀਪ;नवदीप
Rajwinder|Rajvinder=ਰਾਜਵਿੰਦਰ;राजविंदर
Sukhwinder|Sukhvinder=ਸੁਖਵਿੰਦਰ;सुखविंदर
Paramjit|Paramjeet=ਪਰਮਜੀਤ;परमजीत
Jaswinder|Jasvinder=ਜਸਵਿੰਦਰ;जसविंदर
Manjit|Manjeet=ਮਨਜੀਤ;मनजीत
Rupinder|Rupindar=ਰੁਪਿੰਦਰ;रुपिंदर
Simran|Simren=ਸਿਮਰਨ;सिमरन
Kulwinder|Kulvinder=ਕੁਲਵਿੰਦਰ;कुलविंदर
Baljit|Baljeet=ਬਲਜੀਤ;बलजीत""",
       singh="Singh|Sing=ਸਿੰਘ;सिंह",
       kaur="Kaur|Kour=ਕੌਰ;कौर",
       fam="""Sandhu|Sandu=ਸੰਧੂ;संधू
Sidhu|Sidu=ਸਿੱਧੂ;सिद्धू
Gill|Gil=ਗਿੱਲ;गिल
Dhillon|Dhilon=ਢਿੱਲੋਂ;ढिल्लों
Brar|Barar=ਬਰਾੜ;बराड़
Grewal|Grewall=ਗਰੇਵਾਲ;ग्रेवाल
Randhawa|Randhava=ਰੰਧਾਵਾ;रंधावा
Sekhon|Sekon=ਸੇਖੋਂ;सेखों
Bains|Baines=ਬੈਂਸ;बैंस
Dhaliwal|Daliwal=ਧਾਲੀਵਾਲ;धालीवाल
Virk|Virak=ਵਿਰਕ;विर्क
Mann|Man=ਮਾਨ;मान
Cheema|Chima=ਚੀਮਾ;चीमा
Bajwa|Bajva=ਬਾਜਵਾ;बाजवा
Saini|Sainy=ਸੈਣੀ;सैनी
Sohal|Sohel=ਸੋਹਲ;सोहल
Aulakh|Aulak=ਔਲਖ;औलख
Johal|Jhohal=ਜੌਹਲ;जौहल""")

# ---------------------------------------------------------------- India: Hindi belt (Devanagari)
origin("INhi", country="IN", alt=["NP"], weight=2, women=0.1,
       langs=[("hi", 1.0), ("en", .4), ("it", .1)],
       scripts=["deva"], areas={"T7": 2, "T2": 1, "T3": 1},
       gm="""Rajesh|Rajes=राजेश
Sunil|Suneel=सुनील
Ramesh|Rames=रमेश
Vikram|Vikrum=विक्रम
Amit|Ameet=अमित
Deepak|Dipak=दीपक
Sanjay|Sanjai=संजय
Anil|Aneel=अनिल
Suresh|Sures=सुरेश
Manoj|Manojh=मनोज
Ravi|Ravee=रवि
Ajay|Ajai=अजय
Vijay|Vijai=विजय
Rakesh|Rakes=राकेश
Mukesh|Mukes=मुकेश""",
       gf="""Pooja|Puja=पूजा
Sunita|Suneeta=सुनीता
Anita|Aneeta=अनीता
Rekha|Reka=रेखा
Priya|Priyaa=प्रिया""",
       fam="""Kumar|Kumaar=कुमार
Sharma|Sarma=शर्मा
Yadav|Yadava=यादव
Verma|Varma=वर्मा
Ram|Raam=राम
Prasad|Parsad=प्रसाद
Gupta|Gupt=गुप्ता
Chauhan|Chouhan=चौहान
Thakur|Takur=ठाकुर
Mishra|Misra=मिश्रा
Paswan|Paswaan=पासवान""")

# ---------------------------------------------------------------- Bangladesh (Bengali)
origin("BD", country="BD", alt=["IN"], weight=8, women=0.06,
       langs=[("bn", 1.0), ("en", .3), ("it", .2)],
       scripts=["beng"], areas={"T7": 5, "T1": 1, "T4": 1, "T5": 1},
       prefix=("Md|Mohammad|Mohammed|Muhammad|Md.|Mohd=মোহাম্মদ|মোঃ|মুহাম্মদ", 0.5), middle=0.25, fam_from_given=0.3,
       gm="""Abdul|Abdal=আব্দুল
Rahim|Raheem=রহিম
Karim|Kareem=করিম
Rafiq|Rafique|Rofiq=রফিক
Shahidul|Shohidul|Sahidul=শহিদুল
Aminul|Aminoul=আমিনুল
Jahangir|Jahangeer=জাহাঙ্গীর
Kamal|Kamaal=কামাল
Sohel|Shohel|Suhel=সোহেল
Rubel|Rubell=রুবেল
Shafiqul|Shofiqul|Safiqul=শফিকুল
Mizanur|Mijanur=মিজানুর
Habibur|Habibor=হাবিবুর
Saiful|Shaiful=সাইফুল
Nazrul|Nojrul=নজরুল
Alamgir|Alomgir=আলমগীর
Monir|Moneer=মনির
Jamal|Zamal=জামাল
Rashed|Rashid|Roshid=রাশেদ
Faruk|Faruque|Farooq=ফারুক
Masud|Masood|Mashud=মাসুদ
Jewel|Juel=জুয়েল
Shamim|Samim=শামীম
Liton|Litton=লিটন""",
       gf="""Nasima|Nashima=নাসিমা
Rina|Reena=রিনা
Shirin|Sirin=শিরিন
Salma|Shalma=সালমা
Rokeya|Rokiya=রোকেয়া
Shahnaz|Shanaz=শাহনাজ
Morjina|Marjina=মর্জিনা
Taslima|Toslima=তাসলিমা
Fatema|Fatima=ফাতেমা
Ruma|Rooma=রুমা""",
       fam="""Hossain|Hossen|Hosen|Hussain=হোসেন
Rahman|Rohman|Rehman=রহমান
Islam|Eslam=ইসলাম
Uddin|Uddeen|Udin=উদ্দিন
Ahmed|Ahmad|Ahammed=আহমেদ
Miah|Mia|Mian=মিয়া
Alam|Alom=আলম
Sarkar|Sorkar|Sarker=সরকার
Chowdhury|Chowdhuri|Choudhury|Chowdury=চৌধুরী
Molla|Mollah=মোল্লা
Sheikh|Shaikh=শেখ
Khan|Khaan=খান
Mondal|Mandal|Mondol=মন্ডল
Talukder|Talukdar=তালুকদার
Bhuiyan|Bhuyan|Bhuiya=ভূঁইয়া
Biswas|Bishwas=বিশ্বাস
Howlader|Hawlader=হাওলাদার
Patwary|Patwari=পাটোয়ারী""",
       famf="""Akter|Akhter|Aktar=আক্তার
Begum|Begom=বেগম
Khatun|Khatoon=খাতুন""")

# ---------------------------------------------------------------- Senegal
origin("SN", country="SN", alt=["GM", "ML", "GN"], weight=7, women=0.08,
       langs=[("wo", .9), ("fr", .7), ("ff", .2), ("it", .3)],
       scripts=[], areas={"T3": 2, "T2": 2, "T5": 2, "T6": 2, "T4": 1, "T7": 1},
       gm="""Mamadou|Mamadu|Mammadou|Mohamadou=
Moussa|Musa|Mousa=
Ousmane|Ousman|Usman|Osmane=
Abdoulaye|Abdulaye|Abdoulay|Abdulai=
Ibrahima|Ibrahim|Ebrima|Brahima=
Cheikh|Cheick|Sheikh=
Modou|Modu|Moudou=
Babacar|Babakar|Babacarr=
Aliou|Alioune|Aliu=
Lamine|Lamin=
Pape|Papa|Pap=
Serigne|Sering=
Omar|Oumar|Umar=
Malick|Malik=
Saliou|Saliu=
Khadim|Kadim=
Amadou|Ahmadou|Amadu=
Assane|Hassane=
El Hadji|Elhadji|El Hadj|Alhaji=
Djibril|Jibril=
Souleymane|Suleyman|Souleiman=
Demba|Dembah=""",
       gf="""Fatou|Fatu|Fatoumata=
Aminata|Aminatou=
Awa|Hawa=
Mariama|Mariam=
Khady|Khadi|Kady=
Ndeye|Ndèye|N'Deye|Ndey=
Coumba|Kumba|Koumba=
Astou|Astu=
Sokhna|Sokna=
Rokhaya|Rokaya=""",
       fam="""Diallo|Djallo|Dialo|Jallow=
Ndiaye|N'Diaye|Ndiay|Njie=
Diop|Dioppe|Jobe=
Fall|Fal=
Sow|Sowe=
Ba|Bah=
Sy|Sih=
Gueye|Guèye|Gaye=
Faye|Fay=
Sarr|Sar=
Diouf|Diuf=
Cisse|Cissé|Sisse=
Mbaye|M'Baye|Mbay=
Seck|Sek=
Thiam|Tiam=
Ndour|N'Dour=
Kane|Kan=
Niang|Nyang=
Dieng|Diengue=
Samb|Sambe=
Mbengue|M'Bengue=
Toure|Touré=
Sall|Sal=
Camara|Kamara=""")

# ---------------------------------------------------------------- Mali
origin("ML", country="ML", alt=["BF", "CI", "GN"], weight=5, women=0.05,
       langs=[("bm", .9), ("fr", .6), ("it", .2)],
       scripts=[], areas={"T3": 2, "T2": 2, "T6": 2, "T5": 1},
       gm="""Mamadou|Mamadu=
Moussa|Musa=
Seydou|Seidou|Seydu=
Bakary|Bakari|Bakarry=
Boubacar|Boubakar|Aboubacar=
Adama|Adamma=
Souleymane|Souleimane|Sulayman=
Drissa|Dris=
Lassana|Lassina|Lasana=
Sekou|Sékou|Seku=
Modibo|Modibbo=
Oumar|Omar=
Ousmane|Ousman=
Issa|Isa|Issah=
Yacouba|Yakuba=
Siaka|Siaca=
Mahamadou|Mahamadu=
Alassane|Alasane=
Daouda|Dauda=
Fousseyni|Fousseni=""",
       gf="""Fatoumata|Fatumata|Fatouma=
Aminata|Aminatou=
Mariam|Mariama=
Awa|Hawa=
Kadiatou|Kadidiatou|Kadiatu=
Oumou|Umu=
Rokia|Rokiya=
Assitan|Assita=""",
       fam="""Traore|Traoré|Traorè=
Keita|Keïta|Kaita=
Coulibaly|Koulibaly|Kulibali=
Diarra|Diara|Jarra=
Kone|Koné|Konneh=
Camara|Kamara=
Sissoko|Cissoko=
Toure|Touré=
Dembele|Dembélé=
Doumbia|Dumbia=
Sangare|Sangaré=
Konate|Konaté=
Diakite|Diakité|Diakhite=
Sidibe|Sidibé=
Maiga|Maïga=
Kante|Kanté=
Fofana|Fofanah=
Bagayoko|Bagayogo=
Samake|Samaké=
Sacko|Sako|Sakho=""")

# ---------------------------------------------------------------- Gambia
origin("GM", country="GM", alt=["SN", "GN"], weight=5, women=0.04,
       langs=[("en", .7), ("wo", .5), ("ff", .3), ("it", .2)],
       scripts=[], areas={"T3": 2, "T2": 1, "T6": 2, "T5": 1, "T7": 1},
       gm="""Lamin|Lamine=
Ebrima|Ebrahim|Ebrimah=
Modou|Modu=
Alieu|Aliou=
Omar|Oumar=
Bakary|Bakari=
Buba|Bubacarr=
Saikou|Saiko=
Musa|Moussa=
Ousman|Ousmane=
Momodou|Momadou|Momodu=
Abdoulie|Abdulie=
Sheriff|Sherif=
Yusupha|Yusufa|Youssoupha=
Kebba|Keba=
Sulayman|Suleiman=
Ansumana|Ansoumana=
Foday|Fode=""",
       gf="""Fatou|Fatoumatta=
Isatou|Isatu=
Mariama|Mariam=
Haddy|Hady=
Awa|Hawa=
Binta|Bintou=
Kaddy|Kady=
Jainaba|Jaineba=""",
       fam="""Jallow|Jalloh|Diallo=
Bah|Ba=
Ceesay|Ceessay|Cisse=
Sowe|Sow=
Touray|Turay|Toure=
Jammeh|Jammey=
Camara|Kamara=
Darboe|Darbo=
Sanneh|Sanne=
Njie|Njai=
Jobe|Job=
Sillah|Silla=
Manneh|Manne=
Drammeh|Drammé=
Jatta|Jata=
Sonko|Sonkoh=
Fatty|Fatti=
Conteh|Konteh=
Saidy|Saidi=
Bojang|Bojan=
Colley|Coly=
Jarju|Jarjue=
Badjie|Badji=
Kinteh|Kinte=""")

# ---------------------------------------------------------------- Nigeria
origin("NG", country="NG", alt=["GH", "CM"], weight=6, women=0.45,
       langs=[("en", .95), ("yo", .2), ("ig", .2), ("ha", .1), ("it", .2)],
       scripts=[], areas={"T3": 1, "T2": 1, "T6": 1, "T7": 2, "T5": 1, "T4": 1},
       gm="""Chinedu|Chinedum=
Emeka|Emmeka=
Oluwaseun|Oluseun|Seun=
Tunde|Babatunde=
Ibrahim|Ibraheem=
Musa|Moussa=
Godwin|Godwyn=
Samuel|Samwel=
Daniel|Danniel=
Joseph|Josef=
Victor|Viktor=
Kingsley|Kinsley=
Friday|Fryday=
Sunday|Sundey=
Osaro|Osaru=
Efosa|Efoza=
Uche|Uchechukwu=
Ikechukwu|Ikechuku=
Abdullahi|Abdulahi=
Emmanuel|Emanuel=
Stanley|Stanly=
Lucky|Lucki=""",
       gf="""Blessing|Blesing=
Joy|Joi=
Precious|Presious=
Chioma|Chiomma=
Ngozi|Ngozy=
Osasu|Osas=
Esther|Ester=
Mercy|Mercey=
Favour|Favor=
Faith|Feith=
Gift|Gifty=
Happiness|Hapiness=
Success|Sucess=
Patience|Pacience=
Loveth|Lovet=
Grace|Graice=
Vivian|Viviane=
Queen|Quin=""",
       fam="""Okafor|Okafour=
Okeke|Okekey=
Adeyemi|Adeyemmi=
Olawale|Olawalle=
Eze|Ezeh=
Nwosu|Nwosuh=
Ibrahim|Ibraheem=
Bello|Belo=
Abubakar|Aboubakar=
Obi|Obih=
Osagie|Osaghie=
Igbinedion|Igbinidion=
Omoruyi|Omoruye=
Ogbeide|Ogbeidé=
Osaretin|Osarentin=
Edokpolo|Edokpolor=
Aigbe|Aigbeh=
Okonkwo|Okonkow=
Ogunleye|Ogunlaye=
Afolabi|Afolaby=
Babalola|Babalolla=
Yusuf|Yusufu=
Eghosa|Egosa=
Iyamu|Iyamuh=""")

# ---------------------------------------------------------------- Ghana
origin("GH", country="GH", alt=["NG", "CI", "TG"], weight=4, women=0.2,
       langs=[("en", .9), ("ak", .7), ("it", .25)],
       scripts=[], areas={"T4": 2, "T3": 1, "T1": 1, "T5": 1},
       gm="""Kwame|Kuame=
Kofi|Koffi=
Kwabena|Kobina|Kobena=
Kwaku|Kweku=
Yaw|Yao=
Kojo|Kwadwo|Kodjo=
Kwasi|Kwesi=
Emmanuel|Emanuel=
Isaac|Isaak=
Prince|Prinz=
Richard|Richards=
Michael|Micheal=
Eric|Erik=
Samuel|Samwel=
Ebenezer|Ebeneezer=
Francis|Frances=
Stephen|Steven=
Mohammed|Mohamed=
Issah|Issa=
Alhassan|Al Hassan=""",
       gf="""Akosua|Akosuah=
Ama|Amma=
Abena|Abenaa=
Yaa|Ya=
Afia|Afua=
Esi|Essi=
Adwoa|Adjoa=
Akua|Akuah=
Comfort|Confort=
Gifty|Gifti=
Mavis|Maviss=
Vida|Vidah=""",
       fam="""Mensah|Mensa=
Asante|Asanti=
Owusu|Owusuh=
Boateng|Boatang=
Osei|Osey=
Agyeman|Agyemang=
Appiah|Apiah=
Addo|Ado=
Amoah|Amoa=
Darko|Darkoh=
Ofori|Offori=
Antwi|Antwih=
Asamoah|Asamoa=
Adjei|Agyei=
Badu|Baddu=
Frimpong|Frimpon=
Amponsah|Amponsa=
Acheampong|Achiampong=
Opoku|Opokuh=
Yeboah|Yeboa=
Gyamfi|Jamfi=
Sarpong|Sarpon=
Danso|Dansoh=
Tetteh|Teteh=""")

# ---------------------------------------------------------------- Romania
origin("RO", country="RO", alt=["MD"], weight=6, women=0.45,
       langs=[("ro", 1.0), ("it", .5)],
       scripts=[], areas={"T4": 3, "T6": 3, "T5": 1, "T1": 1, "T2": 1},
       gm="""Ion|Ioan=
Gheorghe|Gheorghie=
Vasile|Vasilie=
Constantin|Costantin=
Mihai|Mihail|Mihay=
Nicolae|Niculae|Nicolai=
Florin|Florinn=
Marian|Marean=
Adrian|Adriann=
Ionuț|Ionut|Ionutz=
Cristian|Kristian=
Daniel|Danel=
Dumitru|Dumitrou=
Ștefan|Stefan|Ştefan=
Alexandru|Alexandro=
Bogdan|Bogdann=
Cătălin|Catalin=
Răzvan|Razvan=
Sorin|Sorinn=
Gabriel|Gavril=
Marius|Mariuss=
Costel|Costică=
Petru|Petre=
Viorel|Viorell=
Liviu|Liviou=""",
       gf="""Maria|Marya=
Elena|Ellena=
Ioana|Ioanna=
Mihaela|Mihaella=
Andreea|Andreia=
Ana|Anna=
Florentina|Florentyna=
Gabriela|Gabriella=
Nicoleta|Nicoletta=
Daniela|Danijela=
Cristina|Kristina=
Mădălina|Madalina=
Georgiana|Giorgiana=
Alina|Allina=
Simona|Symona=
Roxana|Roxanna=
Loredana|Loredanna=
Larisa|Larissa=""",
       fam="""Popescu|Popesco=
Popa|Poppa=
Pop|Popp=
Radu|Raddu=
Dumitru|Dumitrou=
Stan|Stann=
Stoica|Stoika=
Gheorghe|Gheorghiu=
Rusu|Russu=
Munteanu|Muntean=
Ionescu|Ionesco=
Constantin|Costantin=
Matei|Matey=
Lungu|Lungo=
Dobre|Dobrea=
Mocanu|Mocan=
Ciobanu|Cioban=
Moldovan|Moldovanu=
Oprea|Oprean=
Stanciu|Stanciou=
Bălan|Balan=
Dinu|Dinou=
Ene|Enne=
Nistor|Nistorr=
Lazăr|Lazar=
Sandu|Sandou=
Florea|Floria=
Nedelcu|Nedelco=
Tănase|Tanase=
Ilie|Ilia=
Rădulescu|Radulescu=
Barbu|Barbou=
Cojocaru|Cojocariu=""")

# ---------------------------------------------------------------- Ukraine (Cyrillic: Ukrainian; Russian spelling)
origin("UA", country="UA", alt=["MD", "RU"], weight=3, women=0.6,
       langs=[("uk", .9), ("ru", .6), ("it", .3)],
       scripts=["cyr_uk", "cyr_ru"], areas={"T7": 2, "T4": 1, "T1": 1, "T6": 1},
       gm="""Oleksandr|Olexandr|Oleksander|Aleksandr|Alexander|Alexandr=Олександр;Александр
Volodymyr|Volodimir|Wolodymyr|Vladimir=Володимир;Владимир
Andriy|Andrii|Andrij|Andrey|Andrei=Андрій;Андрей
Serhiy|Serhii|Sergii|Sergiy|Sergey|Sergei=Сергій;Сергей
Mykola|Mikola|Nikolay|Nikolai=Микола;Николай
Dmytro|Dmitro|Dmitry|Dmitriy=Дмитро;Дмитрий
Yuriy|Yurii|Iurii|Yuri|Jurij=Юрій;Юрий
Ivan|Iwan=Іван;Иван
Vasyl|Vasil|Vasiliy|Vasily=Василь;Василий
Petro|Pyotr|Petr=Петро;Пётр|Петр
Taras|Tarass=Тарас;Тарас
Bohdan|Bogdan=Богдан;Богдан
Viktor|Victor=Віктор;Виктор
Oleh|Oleg=Олег;Олег
Ihor|Igor=Ігор;Игорь
Roman|Romman=Роман;Роман
Maksym|Maksim|Maxim=Максим;Максим
Vitaliy|Vitalii|Vitaly=Віталій;Виталий
Yevhen|Yevgen|Ievgen|Evgeny=Євген;Евгений""",
       gf="""Olena|Elena=Олена;Елена
Nataliya|Natalia|Nataliia|Natalya=Наталія;Наталья
Tetiana|Tetyana|Tatiana|Tatyana=Тетяна;Татьяна
Iryna|Irina=Ірина;Ирина
Oksana|Oxana=Оксана;Оксана
Svitlana|Svetlana=Світлана;Светлана
Halyna|Galyna|Galina=Галина;Галина
Liudmyla|Lyudmyla|Ludmila|Lyudmila=Людмила;Людмила
Yuliia|Yulia|Iuliia|Julia=Юлія;Юлия
Mariia|Maria|Mariya=Марія;Мария
Nadiya|Nadia=Надія;Надежда
Valentyna|Valentina=Валентина;Валентина
Larysa|Larisa=Лариса;Лариса""",
       fam="""Shevchenko|Shevtchenko|Chevtchenko|Schewtschenko=Шевченко;Шевченко
Kovalenko|Kowalenko=Коваленко;Коваленко
Bondarenko|Bondarenco=Бондаренко;Бондаренко
Tkachenko|Tkatchenko|Tkacenko=Ткаченко;Ткаченко
Kravchenko|Kravtchenko=Кравченко;Кравченко
Melnyk|Melnik|Melnyck=Мельник;Мельник
Boyko|Boiko=Бойко;Бойко
Kovalchuk|Kovaltchuk|Kowalczuk=Ковальчук;Ковальчук
Oliynyk|Oliinyk|Oleynik|Oleinik=Олійник;Олейник
Lysenko|Lisenko=Лисенко;Лысенко
Marchenko|Martchenko=Марченко;Марченко
Savchenko|Savtchenko=Савченко;Савченко
Rudenko|Rudenco=Руденко;Руденко
Moroz|Morozz=Мороз;Мороз
Polishchuk|Polischuk|Polishuk=Поліщук;Полищук
Petrenko|Petrenco=Петренко;Петренко
Klymenko|Klimenko=Клименко;Клименко
Pavlenko|Pawlenko=Павленко;Павленко
Tkachuk|Tkatchuk=Ткачук;Ткачук
Hrytsenko|Gritsenko=Гриценко;Гриценко
Kuzmenko|Kuzmenco=Кузьменко;Кузьменко""")

# ---------------------------------------------------------------- Albania
origin("AL", country="AL", alt=["MK", "ME"], weight=3, women=0.3,
       langs=[("sq", 1.0), ("it", .6)],
       scripts=[], areas={"T1": 1, "T4": 2, "T7": 1, "T5": 1},
       gm="""Arben|Arbën=
Besnik|Besnick=
Ilir|Ilirr=
Gentian|Gentjan|Genti=
Artan|Artani=
Fatmir|Fatmire=
Ardit|Arditt=
Erion|Erjon=
Klodian|Klodjan=
Altin|Altini=
Dritan|Dritani=
Sokol|Sokoli=
Agron|Agroni=
Bledar|Bledi=
Ervin|Erwin=
Gjergj|Gjergji=
Kastriot|Kastrioti=
Luan|Luani=
Fatos|Fatosh=
Arjan|Arian=""",
       gf="""Mimoza|Mimosa=
Elira|Elyra=
Anila|Anilla=
Blerina|Blerine=
Elona|Ellona=
Valbona|Valbone=
Mirela|Mirella=
Arjola|Ariola=
Entela|Entella=
Dorina|Dorinna=""",
       fam="""Hoxha|Hoxa|Hodja|Hoxhaj=
Shehu|Sheu|Shehaj=
Gjoka|Gioka|Gjokaj=
Leka|Lekaj=
Dervishi|Dervishaj=
Hysa|Hysaj=
Kola|Kolaj=
Berisha|Berishaj=
Krasniqi|Krasniki=
Marku|Markaj=
Çela|Cela|Chela=
Muça|Muca|Mucha=
Gjoni|Gjonaj=
Hasani|Hassani|Hasanaj=
Bregu|Bregaj=
Prifti|Priftaj=
Basha|Bashaj=
Xhafa|Xhafaj=
Rama|Ramaj=
Halili|Halilaj=
Meta|Metaj=
Kurti|Kurtaj=
Zeneli|Zenelaj=""")

# ---------------------------------------------------------------- China (Han; family name first)
origin("CN", country="CN", alt=["TW"], weight=3, women=0.45,
       langs=[("zh", 1.0), ("it", .3)],
       scripts=["han"], areas={"T7": 5, "T4": 1, "T1": 1},
       chinese=True,
       gm="""Wei=伟
Jianhua=建华
Xiaoming=小明
Zhiwei=志伟
Guoqiang=国强
Wenjie=文杰
Lei=磊
Hao=浩
Jie=杰
Qiang=强
Jun=军
Ming=明
Yong=勇
Jianguo=建国
Haitao=海涛
Dong=东
Bin=斌
Chao=超
Peng=鹏
Xiaolong=小龙""",
       gf="""Na=娜
Jing=静
Fang=芳
Yan=燕
Hui=慧
Li=丽
Haiyan=海燕
Xiaoli=小丽
Lili=丽丽
Min=敏
Xiaoyan=晓燕
Yumei=玉梅
Juan=娟
Ping=萍
Xia=霞
Hong=红
Mei=美
Yun=云""",
       fam="""Chen|Chan=陈|陳
Wang|Wong=王
Hu|Hoo=胡
Zhou|Chou=周
Lin|Lam=林
Li|Lee=李
Zhang|Chang=张|張
Ye|Yeh=叶|葉
Jin|Chin=金
Zheng|Cheng=郑|鄭
Wu|Woo=吴
Xu|Hsu=徐
Liu|Lau=刘|劉
Yang|Yeung=杨
Huang|Hwang=黄
Zhu|Chu=朱
Pan|Poon=潘
Xie|Hsieh=谢
Dong|Tung=董""")

# Chinese given names: pinyin syllable split, for "Jian Hua"/"Jian-Hua" renderings
CN_SYLL = {"Jianhua": ("Jian", "Hua"), "Xiaoming": ("Xiao", "Ming"), "Zhiwei": ("Zhi", "Wei"),
           "Guoqiang": ("Guo", "Qiang"), "Wenjie": ("Wen", "Jie"), "Jianguo": ("Jian", "Guo"),
           "Haitao": ("Hai", "Tao"), "Xiaolong": ("Xiao", "Long"), "Haiyan": ("Hai", "Yan"),
           "Xiaoli": ("Xiao", "Li"), "Lili": ("Li", "Li"), "Xiaoyan": ("Xiao", "Yan"),
           "Yumei": ("Yu", "Mei")}

# Italian names some Chinese residents adopt (extra alias)
CN_ITALIAN = ["Marco", "Luca", "Paolo", "Andrea", "Giulia", "Anna", "Sara", "Matteo", "Simone", "Laura"]

NICKNAMES = {"Mohamed": ["Momo", "Hamid"], "Abdoulaye": ["Abdou", "Laye"], "Mamadou": ["Mamad"],
             "Oleksandr": ["Sasha", "Sashko"], "Gheorghe": ["Gigi"], "Gurpreet": ["Gopi", "Preet"],
             "Muhammad": ["Mani"], "Youssef": ["Yoyo"], "Ibrahima": ["Ibou"], "Cheikh": ["Cheikhou"]}
