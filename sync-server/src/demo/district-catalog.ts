/**
 * DEMO DATA — a generated district-size catalog (≈ 240 matters, like a district's own list), so search, the
 * first sync of a new device and the catalog screens are tried at real size. Every id starts with `district-`.
 * Names follow real 事项 of district halls (市场监管, 人社, 医保, 税务, 住建, 卫健, 文旅, …) combined with the
 * usual actions (新办, 变更, 延续, 注销, 补证); guides, materials and time limits come from one template per
 * subject and are illustrative only, not an official guide. `initials` follow the rule of catalog.test.ts
 * (checked for every matter in district-catalog.test.ts).
 */
import type { Material, MatterDoc, Question } from '../../../src/domain/catalog';

interface Subject {
  key: string;
  name: string;
  nameEn: string;
  initials: string;
  office: string;
  officeEn: string;
  law: [string, string];
  legalDays: number;
  promisedDays: number;
  keywords: string[];
  /** Materials of the subject besides the application form and the applicant's ID. */
  materials: [id: string, name: string, nameEn: string, pages: number][];
  /** Actions this subject has, from ACTIONS. */
  actions: ActionKey[];
}

type ActionKey = 'new' | 'change' | 'renew' | 'cancel' | 'reissue';

const ACTIONS: Record<ActionKey, { name: string; nameEn: string; initials: string; keyword: string }> = {
  new: { name: '新办', nameEn: 'new application', initials: 'xb', keyword: '新办' },
  change: { name: '变更', nameEn: 'change', initials: 'bg', keyword: '变更' },
  renew: { name: '延续', nameEn: 'renewal', initials: 'yx', keyword: '延续' },
  cancel: { name: '注销', nameEn: 'cancellation', initials: 'zx', keyword: '注销' },
  reissue: { name: '补证', nameEn: 'replacement certificate', initials: 'bz', keyword: '补办' },
};

const ALL: ActionKey[] = ['new', 'change', 'renew', 'cancel', 'reissue'];
const NO_RENEW: ActionKey[] = ['new', 'change', 'cancel', 'reissue'];

const SMR = ['区市场监督管理局', 'District Administration for Market Regulation'] as const;
const HRSS = ['区人力资源和社会保障局', 'District Human Resources and Social Security Bureau'] as const;
const MED = ['区医疗保障局', 'District Healthcare Security Bureau'] as const;
const TAX = ['区税务局', 'District Tax Bureau'] as const;
const HOUSING = ['区住房和城乡建设管理委员会', 'District Housing and Urban-Rural Development Commission'] as const;
const HEALTH = ['区卫生健康委员会', 'District Health Commission'] as const;
const CULTURE = ['区文化和旅游局', 'District Culture and Tourism Bureau'] as const;
const TRANSPORT = ['区交通委员会', 'District Transport Commission'] as const;
const ECO = ['区生态环境局', 'District Ecology and Environment Bureau'] as const;
const CIVIL = ['区民政局', 'District Civil Affairs Bureau'] as const;
const EDU = ['区教育局', 'District Education Bureau'] as const;
const AGRI = ['区农业农村委员会', 'District Agriculture and Rural Affairs Commission'] as const;

const s = (
  key: string,
  name: string,
  nameEn: string,
  initials: string,
  office: readonly [string, string],
  law: [string, string],
  days: [legal: number, promised: number],
  keywords: string[],
  materials: Subject['materials'],
  actions: ActionKey[] = ALL,
): Subject => ({ key, name, nameEn, initials, office: office[0], officeEn: office[1], law, legalDays: days[0], promisedDays: days[1], keywords, materials, actions });

const SUBJECTS: Subject[] = [
  // 市场监管
  s('food-production', '食品生产许可', 'Food production licence', 'spscxk', SMR, ['《中华人民共和国食品安全法》第三十五条', 'Food Safety Law of the People’s Republic of China, Article 35'], [20, 10], ['食品厂', '食品生产', 'SC证'], [['process-flow', '食品生产工艺流程图', 'Food production process flow chart', 2], ['equipment-list', '主要生产设备设施清单', 'List of the main production equipment and facilities', 2], ['site-plan', '生产场所平面图', 'Floor plan of the production site', 1]]),
  s('small-food-workshop', '食品小作坊登记', 'Registration of a small food workshop', 'spxzfdj', SMR, ['《上海市食品安全条例》第四十二条', 'Shanghai Food Safety Regulations, Article 42'], [20, 10], ['小作坊', '食品作坊'], [['site-plan', '生产加工场所平面图', 'Floor plan of the processing site', 1], ['health-certs', '从业人员健康证明', 'Health certificates of the staff', 2]]),
  s('medical-device-business', '第三类医疗器械经营许可', 'Licence to trade in Class III medical devices', 'dslylqxjyxk', SMR, ['《医疗器械监督管理条例》第五十二条', 'Regulations on the Supervision and Administration of Medical Devices, Article 52'], [20, 10], ['医疗器械', '械字号', '三类器械'], [['quality-manual', '质量管理制度文件', 'Quality management rules', 4], ['warehouse-proof', '经营和仓储场所证明', 'Proof of the business and storage premises', 2], ['quality-officer', '质量负责人资格证明', 'Qualification of the quality officer', 1]]),
  s('class2-device-filing', '第二类医疗器械经营备案', 'Filing to trade in Class II medical devices', 'delylqxjyba', SMR, ['《医疗器械监督管理条例》第四十一条', 'Regulations on the Supervision and Administration of Medical Devices, Article 41'], [10, 3], ['二类器械', '医疗器械备案'], [['premises-proof', '经营场所证明', 'Proof of the business premises', 1], ['quality-manual', '质量管理制度文件', 'Quality management rules', 3]], ['new', 'change', 'cancel']),
  s('pharmacy-retail', '药品零售企业经营许可', 'Licence of a retail pharmacy', 'yplsqyjyxk', SMR, ['《中华人民共和国药品管理法》第五十一条', 'Drug Administration Law of the People’s Republic of China, Article 51'], [30, 15], ['药店', '药房', '零售药店'], [['pharmacist-cert', '执业药师注册证', 'Registration certificate of the licensed pharmacist', 1], ['premises-proof', '营业场所证明', 'Proof of the business premises', 2], ['gsp-manual', '药品质量管理文件', 'Drug quality management documents', 4]]),
  s('special-equipment', '特种设备使用登记', 'Registration of the use of special equipment', 'tzsbsydj', SMR, ['《中华人民共和国特种设备安全法》第三十三条', 'Special Equipment Safety Law of the People’s Republic of China, Article 33'], [15, 5], ['电梯', '锅炉', '压力容器', '叉车'], [['product-cert', '产品合格证', 'Product certificate of conformity', 1], ['inspection-report', '监督检验证明', 'Supervisory inspection certificate', 2], ['operator-cert', '作业人员资格证', 'Operator qualification certificates', 1]], NO_RENEW),
  s('industrial-product', '重要工业产品生产许可', 'Production licence for important industrial products', 'zygycpscxk', SMR, ['《中华人民共和国工业产品生产许可证管理条例》第九条', 'Regulations of the People’s Republic of China on the Administration of Production Licences for Industrial Products, Article 9'], [60, 30], ['工业产品', 'QS', '生产许可证'], [['product-standard', '产品执行标准', 'Product standards applied', 3], ['inspection-report', '产品检验报告', 'Product test report', 4], ['equipment-list', '生产设备和检验设备清单', 'List of production and test equipment', 2]]),
  s('advertising-hospital', '医疗广告审查', 'Review of a medical advertisement', 'ylggsc', SMR, ['《医疗广告管理办法》第十一条', 'Measures for the Administration of Medical Advertisements, Article 11'], [20, 10], ['医疗广告', '广告审查'], [['ad-sample', '医疗广告成品样件', 'Finished sample of the advertisement', 2], ['practice-licence', '医疗机构执业许可证', 'Practice licence of the medical institution', 1]], ['new', 'change', 'cancel']),
  s('measuring-instrument', '计量器具型式批准', 'Type approval of a measuring instrument', 'jlqjxspz', SMR, ['《中华人民共和国计量法实施细则》第十五条', 'Detailed Rules for the Implementation of the Metrology Law of the People’s Republic of China, Article 15'], [30, 15], ['计量器具', '型式批准', '秤'], [['technical-docs', '型式评价技术资料', 'Technical documents for type evaluation', 6], ['test-report', '型式评价报告', 'Type evaluation report', 4]], ['new', 'change', 'reissue']),
  // 人社
  s('labour-dispatch', '劳务派遣经营许可', 'Labour dispatch business licence', 'lwpqjyxk', HRSS, ['《中华人民共和国劳动合同法》第五十七条', 'Labour Contract Law of the People’s Republic of China, Article 57'], [20, 10], ['劳务派遣', '派遣公司'], [['capital-proof', '注册资本实缴证明', 'Proof that the registered capital is paid in', 2], ['premises-proof', '经营场所证明', 'Proof of the business premises', 1], ['rules', '劳务派遣管理制度', 'Labour dispatch management rules', 3]]),
  s('hr-services', '人力资源服务许可', 'Human resources services licence', 'rlzyfwxk', HRSS, ['《人力资源市场暂行条例》第十八条', 'Interim Regulations on the Human Resources Market, Article 18'], [20, 10], ['职业中介', '猎头', '人力资源'], [['premises-proof', '经营场所证明', 'Proof of the business premises', 1], ['staff-list', '专职工作人员名单', 'List of the full-time staff', 1], ['rules', '服务制度文本', 'Service rules', 2]]),
  s('special-working-hours', '特殊工时制度审批', 'Approval of a special working-hours system', 'tsgszdsp', HRSS, ['《中华人民共和国劳动法》第三十九条', 'Labour Law of the People’s Republic of China, Article 39'], [20, 10], ['综合工时', '不定时工作制', '特殊工时'], [['staff-opinion', '职工代表大会或工会意见', 'Opinion of the workers’ congress or the trade union', 1], ['post-list', '实行特殊工时岗位名单', 'List of the posts under special working hours', 2]], ['new', 'change', 'renew']),
  s('vocational-school', '民办职业培训学校设立', 'Establishment of a private vocational training school', 'mbzypxxxsl', HRSS, ['《中华人民共和国民办教育促进法》第十二条', 'Law of the People’s Republic of China on the Promotion of Privately-run Schools, Article 12'], [90, 30], ['培训学校', '职业培训', '技能培训'], [['charter', '学校章程', 'Charter of the school', 4], ['premises-proof', '办学场所证明', 'Proof of the school premises', 2], ['teacher-list', '教师名单及资格证明', 'Teachers and their qualifications', 3], ['capital-proof', '办学资金证明', 'Proof of the school’s funds', 2]], ['new', 'change', 'cancel']),
  s('unemployment-insurance', '失业保险金申领', 'Claim for unemployment insurance benefits', 'sybxjsl', HRSS, ['《失业保险条例》第十四条', 'Regulations on Unemployment Insurance, Article 14'], [15, 5], ['失业金', '失业登记', '领失业金'], [['termination-proof', '终止或解除劳动合同证明', 'Proof that the labour contract ended', 1], ['bank-card', '本人社会保障卡或银行卡', 'Social security card or bank card', 1]], ['new', 'change', 'cancel']),
  s('work-injury', '工伤认定申请', 'Application for work-injury recognition', 'gsrdsq', HRSS, ['《工伤保险条例》第十七条', 'Regulations on Work-Related Injury Insurance, Article 17'], [60, 30], ['工伤', '工伤认定', '工伤保险'], [['labour-relation', '劳动关系证明', 'Proof of the labour relationship', 2], ['diagnosis', '医疗诊断证明', 'Medical diagnosis certificate', 2], ['accident-report', '事故经过说明', 'Account of the accident', 1]], ['new', 'change']),
  s('skill-subsidy', '职业技能提升补贴申领', 'Claim for a vocational skills upgrade subsidy', 'zyjntsbtsl', HRSS, ['《国务院关于推行终身职业技能培训制度的意见》第六条', 'Opinions of the State Council on Lifelong Vocational Skills Training, Article 6'], [20, 10], ['技能补贴', '职业资格证', '培训补贴'], [['skill-cert', '职业资格或技能等级证书', 'Vocational qualification or skill-level certificate', 1], ['bank-card', '本人社会保障卡或银行卡', 'Social security card or bank card', 1]], ['new', 'change']),
  // 医保
  s('designated-pharmacy', '医保定点零售药店申请', 'Application to be a designated retail pharmacy of medical insurance', 'ybddlsydsq', MED, ['《医疗保障基金使用监督管理条例》第十四条', 'Regulations on the Supervision and Administration of the Use of Medical Security Funds, Article 14'], [60, 30], ['医保定点', '定点药店', '刷医保'], [['drug-licence', '药品经营许可证', 'Drug trading licence', 1], ['info-system', '信息系统对接说明', 'Description of the information system link', 2], ['pharmacist-cert', '执业药师注册证', 'Registration certificate of the licensed pharmacist', 1]], ['new', 'change', 'cancel']),
  s('designated-clinic', '医保定点医疗机构申请', 'Application to be a designated medical institution of medical insurance', 'ybddyljgsq', MED, ['《医疗保障基金使用监督管理条例》第十四条', 'Regulations on the Supervision and Administration of the Use of Medical Security Funds, Article 14'], [60, 30], ['医保定点', '定点医院', '门诊'], [['practice-licence', '医疗机构执业许可证', 'Practice licence of the medical institution', 1], ['info-system', '信息系统对接说明', 'Description of the information system link', 2], ['staff-list', '医务人员名单', 'List of the medical staff', 2]], ['new', 'change', 'cancel']),
  s('medical-reimbursement', '异地就医费用零星报销', 'Reimbursement of medical costs incurred elsewhere', 'ydjyfylxbx', MED, ['《中华人民共和国社会保险法》第二十九条', 'Social Insurance Law of the People’s Republic of China, Article 29'], [30, 10], ['报销', '异地就医', '医药费'], [['invoices', '医疗费用票据', 'Medical invoices', 4], ['cost-list', '费用明细清单', 'Itemised cost list', 3], ['discharge-summary', '出院小结', 'Discharge summary', 2]], ['new', 'change']),
  s('chronic-disease', '门诊慢特病待遇认定', 'Recognition of outpatient chronic and special disease benefits', 'mzmtbdyrd', MED, ['《中华人民共和国社会保险法》第二十八条', 'Social Insurance Law of the People’s Republic of China, Article 28'], [20, 10], ['慢特病', '慢性病', '门特'], [['diagnosis', '诊断证明', 'Diagnosis certificate', 2], ['medical-records', '病历资料', 'Medical records', 4]], ['new', 'change', 'renew', 'cancel']),
  // 税务
  s('tax-registration', '税务登记', 'Tax registration', 'swdj', TAX, ['《中华人民共和国税收征收管理法》第十五条', 'Law of the People’s Republic of China on the Administration of Tax Collection, Article 15'], [30, 1], ['税务登记', '报到', '税号'], [['bank-account', '银行开户证明', 'Proof of the bank account', 1], ['finance-officer', '财务负责人身份证件', 'ID of the finance officer', 1]], ['new', 'change', 'cancel']),
  s('invoice-quota', '增值税专用发票最高开票限额审批', 'Approval of the maximum invoicing amount for special VAT invoices', 'zzszyfpzgkpxesp', TAX, ['《中华人民共和国发票管理办法实施细则》第六条', 'Detailed Rules for the Implementation of the Measures of the People’s Republic of China for the Administration of Invoices, Article 6'], [20, 5], ['专票', '开票限额', '发票限额'], [['sales-contract', '购销合同', 'Sales contract', 3], ['invoice-usage', '发票使用情况说明', 'Statement of invoice use', 1]], ['new', 'change']),
  s('tax-clearance', '清税证明开具', 'Issue of a tax clearance certificate', 'qszmkj', TAX, ['《中华人民共和国税收征收管理法实施细则》第十五条', 'Detailed Rules for the Implementation of the Law of the People’s Republic of China on the Administration of Tax Collection, Article 15'], [20, 5], ['清税', '注销税务', '清税证明'], [['shareholder-resolution', '股东会决议', 'Shareholders’ resolution', 1], ['invoice-return', '发票缴销证明', 'Proof that unused invoices were cancelled', 1]], ['new', 'reissue']),
  s('tax-refund', '出口退税备案', 'Filing for export tax refunds', 'cktsba', TAX, ['《出口货物劳务增值税和消费税管理办法》第三条', 'Measures for the Administration of VAT and Consumption Tax on Exported Goods and Services, Article 3'], [20, 5], ['出口退税', '退税备案', '外贸'], [['trade-filing', '对外贸易经营者备案登记表', 'Foreign trade operator filing form', 1], ['customs-registration', '海关报关单位注册登记证书', 'Customs declaration registration certificate', 1]], ['new', 'change', 'cancel']),
  // 住建
  s('construction-permit', '建筑工程施工许可', 'Construction permit for a building project', 'jzgcsgxk', HOUSING, ['《中华人民共和国建筑法》第八条', 'Construction Law of the People’s Republic of China, Article 8'], [15, 7], ['施工许可', '开工', '施工证'], [['planning-permit', '建设工程规划许可证', 'Construction project planning permit', 1], ['construction-contract', '施工合同', 'Construction contract', 6], ['drawings-review', '施工图审查合格书', 'Construction drawing review certificate', 1], ['safety-measures', '安全施工措施资料', 'Safety measures for the works', 4]], ['new', 'change', 'cancel', 'reissue']),
  s('property-presale', '商品房预售许可', 'Pre-sale permit for commodity housing', 'spfysxk', HOUSING, ['《城市商品房预售管理办法》第五条', 'Measures for the Administration of Pre-sale of Urban Commodity Housing, Article 5'], [20, 10], ['预售证', '期房', '楼盘'], [['land-certificate', '国有土地使用权证', 'State-owned land use certificate', 1], ['planning-permit', '建设工程规划许可证', 'Construction project planning permit', 1], ['presale-plan', '商品房预售方案', 'Pre-sale plan', 5]], ['new', 'change', 'cancel']),
  s('property-agency', '房地产经纪机构备案', 'Filing of a real-estate brokerage', 'fdcjjjgba', HOUSING, ['《房地产经纪管理办法》第十一条', 'Measures for the Administration of Real-Estate Brokerage, Article 11'], [10, 3], ['中介', '房产中介', '经纪机构'], [['broker-certs', '房地产经纪人员职业资格证书', 'Brokers’ professional qualification certificates', 2], ['premises-proof', '经营场所证明', 'Proof of the business premises', 1]], ['new', 'change', 'cancel']),
  s('decoration-filing', '住宅室内装饰装修登记', 'Registration of residential interior decoration', 'zzsnzszxdj', HOUSING, ['《住宅室内装饰装修管理办法》第十三条', 'Measures for the Administration of Residential Interior Decoration, Article 13'], [5, 2], ['装修', '装修备案', '装修登记'], [['ownership', '房屋所有权证明', 'Proof of ownership of the home', 1], ['plan', '装饰装修方案', 'Decoration plan', 2], ['contract', '装修合同', 'Decoration contract', 3]], ['new', 'change']),
  s('gas-business', '燃气经营许可', 'Gas business licence', 'rqjyxk', HOUSING, ['《城镇燃气管理条例》第十五条', 'Regulations on the Administration of Urban Gas, Article 15'], [20, 10], ['燃气', '液化气', '煤气'], [['safety-rules', '安全管理制度', 'Safety management rules', 3], ['staff-certs', '从业人员考核合格证明', 'Staff assessment certificates', 2], ['facilities', '燃气设施证明', 'Proof of the gas facilities', 2]]),
  s('property-management', '物业服务合同备案', 'Filing of a property management contract', 'wyfwhtba', HOUSING, ['《物业管理条例》第三十四条', 'Regulations on Property Management, Article 34'], [10, 3], ['物业', '物业合同', '物业公司'], [['contract', '物业服务合同', 'Property management contract', 6], ['owners-resolution', '业主大会决议', 'Resolution of the owners’ assembly', 2]], ['new', 'change', 'cancel']),
  // 卫健
  s('clinic-practice', '诊所执业备案', 'Practice filing of a clinic', 'zszyba', HEALTH, ['《医疗机构管理条例》第十五条', 'Regulations on the Administration of Medical Institutions, Article 15'], [20, 10], ['诊所', '门诊部', '开诊所'], [['doctor-cert', '医师执业证书', 'Physician’s practice certificate', 1], ['premises-proof', '执业场所证明', 'Proof of the practice premises', 2], ['rules', '规章制度', 'Rules and regulations', 3]], ['new', 'change', 'cancel']),
  s('medical-institution', '医疗机构执业登记', 'Practice registration of a medical institution', 'yljgzydj', HEALTH, ['《医疗机构管理条例》第十五条', 'Regulations on the Administration of Medical Institutions, Article 15'], [45, 20], ['医院', '医疗机构', '执业许可证'], [['practice-plan', '执业登记申请书附件', 'Annexes to the registration application', 3], ['staff-list', '医务人员名单及资格证明', 'Medical staff and their qualifications', 4], ['equipment-list', '设备清单', 'List of the equipment', 2]]),
  s('physician-registration', '医师执业注册', 'Practice registration of a physician', 'yszyzc', HEALTH, ['《中华人民共和国医师法》第十三条', 'Physicians Law of the People’s Republic of China, Article 13'], [20, 10], ['医师', '执业医师', '医生注册'], [['qualification', '医师资格证书', 'Physician’s qualification certificate', 1], ['health-check', '健康体检证明', 'Health check certificate', 1], ['employment-proof', '聘用证明', 'Proof of employment', 1]], ['new', 'change', 'cancel']),
  s('nurse-registration', '护士执业注册', 'Practice registration of a nurse', 'hszyzc', HEALTH, ['《护士条例》第七条', 'Regulations on Nurses, Article 7'], [20, 10], ['护士', '护士证', '护士注册'], [['qualification', '护士执业资格考试成绩合格证明', 'Proof of passing the nurse qualification exam', 1], ['health-check', '健康体检证明', 'Health check certificate', 1]], ['new', 'change', 'renew', 'cancel']),
  s('radiation-diagnosis', '放射诊疗许可', 'Licence for radiological diagnosis and treatment', 'fszlxk', HEALTH, ['《放射诊疗管理规定》第十一条', 'Provisions on the Administration of Radiological Diagnosis and Treatment, Article 11'], [20, 10], ['放射', '射线', 'CT'], [['evaluation', '放射诊疗建设项目竣工验收合格证明', 'Completion acceptance of the radiological project', 3], ['staff-certs', '放射工作人员证', 'Radiation worker certificates', 2], ['equipment-list', '放射诊疗设备清单', 'List of radiological equipment', 1]]),
  s('drinking-water', '供水单位卫生许可', 'Health licence of a water supplier', 'gsdwwsxk', HEALTH, ['《生活饮用水卫生监督管理办法》第七条', 'Measures for the Health Supervision of Drinking Water, Article 7'], [20, 10], ['二次供水', '供水', '水质'], [['water-report', '水质检验报告', 'Water quality test report', 2], ['health-certs', '从业人员健康证明', 'Health certificates of the staff', 1]]),
  // 文旅
  s('entertainment-venue', '娱乐场所经营许可', 'Business licence of an entertainment venue', 'ylcsjyxk', CULTURE, ['《娱乐场所管理条例》第九条', 'Regulations on the Administration of Entertainment Venues, Article 9'], [20, 10], ['KTV', '歌舞厅', '游艺厅'], [['fire-approval', '消防安全检查合格证明', 'Fire safety inspection certificate', 1], ['premises-proof', '经营场所证明', 'Proof of the business premises', 2], ['floor-plan', '场所平面图', 'Floor plan of the venue', 1]]),
  s('performance-brokerage', '营业性演出经纪机构许可', 'Licence of a commercial performance agency', 'yyxycjjjgxk', CULTURE, ['《营业性演出管理条例》第六条', 'Regulations on the Administration of Commercial Performances, Article 6'], [20, 10], ['演出经纪', '演出公司', '经纪人'], [['broker-certs', '演出经纪人员资格证书', 'Performance broker qualification certificates', 2], ['premises-proof', '经营场所证明', 'Proof of the business premises', 1]]),
  s('travel-agency', '旅行社业务经营许可', 'Travel agency business licence', 'lxsywjyxk', CULTURE, ['《旅行社条例》第六条', 'Regulations on Travel Agencies, Article 6'], [20, 10], ['旅行社', '导游', '旅游'], [['deposit-proof', '旅游服务质量保证金存单', 'Deposit certificate of the service quality bond', 1], ['premises-proof', '经营场所证明', 'Proof of the business premises', 1], ['equipment-list', '营业设施证明', 'Proof of the business facilities', 1]]),
  s('internet-cafe', '互联网上网服务营业场所经营许可', 'Licence of an internet café', 'hlwswfwyycsjyxk', CULTURE, ['《互联网上网服务营业场所管理条例》第十条', 'Regulations on the Administration of Internet Access Service Business Sites, Article 10'], [20, 10], ['网吧', '网咖', '上网'], [['fire-approval', '消防安全检查合格证明', 'Fire safety inspection certificate', 1], ['network-security', '网络安全技术措施', 'Network security measures', 2], ['floor-plan', '场所平面图', 'Floor plan of the venue', 1]]),
  s('art-training', '艺术培训机构备案', 'Filing of an arts training institution', 'yspxjgba', CULTURE, ['《上海市文化市场管理条例》第十二条', 'Shanghai Regulations on the Administration of the Cultural Market, Article 12'], [10, 5], ['艺术培训', '美术班', '舞蹈班'], [['teacher-list', '教师名单及资格证明', 'Teachers and their qualifications', 2], ['premises-proof', '培训场所证明', 'Proof of the training premises', 1]], ['new', 'change', 'cancel']),
  // 交通
  s('road-freight', '道路货物运输经营许可', 'Road freight transport business licence', 'dlhwysjyxk', TRANSPORT, ['《中华人民共和国道路运输条例》第二十四条', 'Regulations of the People’s Republic of China on Road Transport, Article 24'], [20, 10], ['货运', '物流', '道路运输证'], [['vehicle-list', '车辆情况说明', 'Description of the vehicles', 2], ['driver-certs', '驾驶人员从业资格证', 'Drivers’ qualification certificates', 2], ['safety-rules', '安全生产管理制度', 'Safety management rules', 3]]),
  s('driving-school', '机动车驾驶员培训备案', 'Filing of a driver training school', 'jdcjsypxba', TRANSPORT, ['《中华人民共和国道路运输条例》第三十八条', 'Regulations of the People’s Republic of China on Road Transport, Article 38'], [15, 5], ['驾校', '驾驶培训', '学车'], [['coach-list', '教练员名单及资格证明', 'Instructors and their qualifications', 2], ['training-ground', '教学场地证明', 'Proof of the training ground', 2], ['vehicle-list', '教学车辆清单', 'List of the training vehicles', 1]], ['new', 'change', 'cancel']),
  s('vehicle-repair', '机动车维修经营备案', 'Filing of a motor vehicle repair business', 'jdcwxjyba', TRANSPORT, ['《机动车维修管理规定》第十条', 'Provisions on the Administration of Motor Vehicle Repair, Article 10'], [5, 2], ['修车', '汽修', '维修厂'], [['equipment-list', '维修设备设施清单', 'List of the repair equipment', 2], ['technician-certs', '技术人员资格证明', 'Technicians’ qualifications', 2]], ['new', 'change', 'cancel']),
  // 生态环境
  s('pollutant-discharge', '排污许可', 'Pollutant discharge permit', 'pwxk', ECO, ['《排污许可管理条例》第十二条', 'Regulations on the Administration of Pollutant Discharge Permits, Article 12'], [20, 10], ['排污证', '排污许可证', '环保'], [['eia-approval', '环境影响评价审批文件', 'Approval of the environmental impact assessment', 3], ['monitoring-plan', '自行监测方案', 'Self-monitoring plan', 3], ['discharge-outlets', '排污口设置说明', 'Description of the discharge outlets', 2]]),
  s('eia-report-form', '建设项目环境影响报告表审批', 'Approval of an environmental impact report form', 'jsxmhjyxbgbsp', ECO, ['《中华人民共和国环境影响评价法》第二十二条', 'Environmental Impact Assessment Law of the People’s Republic of China, Article 22'], [30, 15], ['环评', '环境影响评价', '报告表'], [['eia-form', '环境影响报告表', 'Environmental impact report form', 8], ['public-notice', '信息公开说明', 'Statement of public disclosure', 1]], ['new', 'change']),
  s('hazardous-waste', '危险废物经营许可', 'Hazardous waste business licence', 'wxfwjyxk', ECO, ['《危险废物经营许可证管理办法》第五条', 'Measures for the Administration of Hazardous Waste Business Licences, Article 5'], [20, 10], ['危废', '危险废物', '固废'], [['facilities', '贮存和处置设施证明', 'Proof of the storage and disposal facilities', 3], ['emergency-plan', '突发环境事件应急预案', 'Environmental emergency plan', 4], ['staff-certs', '技术人员资格证明', 'Technicians’ qualifications', 2]]),
  // 民政
  s('social-organization', '社会团体登记', 'Registration of a social organisation', 'shttdj', CIVIL, ['《社会团体登记管理条例》第九条', 'Regulations on the Registration and Administration of Social Organisations, Article 9'], [60, 30], ['社团', '协会', '商会'], [['charter', '社会团体章程', 'Charter of the organisation', 4], ['sponsor-approval', '业务主管单位批准文件', 'Approval of the sponsoring authority', 1], ['members-list', '会员名单', 'List of members', 3]], ['new', 'change', 'cancel', 'reissue']),
  s('private-non-enterprise', '民办非企业单位登记', 'Registration of a private non-enterprise unit', 'mbfqydwdj', CIVIL, ['《民办非企业单位登记管理暂行条例》第九条', 'Interim Regulations on the Registration and Administration of Private Non-Enterprise Units, Article 9'], [60, 30], ['民非', '社会服务机构', '民办非企业'], [['charter', '章程草案', 'Draft charter', 4], ['capital-proof', '验资报告', 'Capital verification report', 2], ['premises-proof', '场所使用权证明', 'Proof of the right to use the premises', 1]], ['new', 'change', 'cancel', 'reissue']),
  s('elderly-care', '养老机构备案', 'Filing of an elderly care institution', 'yljgba', CIVIL, ['《养老机构管理办法》第九条', 'Measures for the Administration of Elderly Care Institutions, Article 9'], [10, 5], ['养老院', '敬老院', '养老机构'], [['fire-approval', '消防安全检查合格证明', 'Fire safety inspection certificate', 1], ['food-licence', '食品经营许可证', 'Food business licence', 1], ['premises-proof', '服务场所证明', 'Proof of the service premises', 2]], ['new', 'change', 'cancel']),
  // 教育
  s('private-kindergarten', '民办幼儿园设立', 'Establishment of a private kindergarten', 'mbyeysl', EDU, ['《中华人民共和国学前教育法》第三十二条', 'Preschool Education Law of the People’s Republic of China, Article 32'], [90, 30], ['幼儿园', '托育', '办园'], [['charter', '幼儿园章程', 'Charter of the kindergarten', 3], ['premises-proof', '园舍证明', 'Proof of the kindergarten premises', 2], ['teacher-list', '教师名单及资格证明', 'Teachers and their qualifications', 3], ['fire-approval', '消防安全检查合格证明', 'Fire safety inspection certificate', 1]], ['new', 'change', 'cancel']),
  s('teacher-certification', '教师资格认定', 'Certification of teacher qualification', 'jszgrd', EDU, ['《教师资格条例》第十三条', 'Regulations on Teacher Qualifications, Article 13'], [30, 15], ['教师资格证', '教资', '认定'], [['exam-proof', '教师资格考试合格证明', 'Proof of passing the teacher qualification exam', 1], ['health-check', '体检合格证明', 'Health check certificate', 1], ['mandarin-cert', '普通话水平测试等级证书', 'Mandarin proficiency certificate', 1]], ['new', 'reissue']),
  // 农业
  s('pesticide-business', '农药经营许可', 'Pesticide business licence', 'nyjyxk', AGRI, ['《农药管理条例》第二十四条', 'Regulations on Pesticide Administration, Article 24'], [20, 10], ['农药', '农资', '农药店'], [['premises-proof', '营业场所和仓储场所证明', 'Proof of the business and storage premises', 2], ['staff-certs', '技术人员农学专业证明', 'Technicians’ agronomy qualifications', 1], ['rules', '农药经营管理制度', 'Pesticide business rules', 3]]),
  s('animal-clinic', '动物诊疗许可', 'Animal clinic licence', 'dwzlxk', AGRI, ['《中华人民共和国动物防疫法》第六十一条', 'Animal Epidemic Prevention Law of the People’s Republic of China, Article 61'], [20, 10], ['宠物医院', '动物医院', '兽医'], [['vet-certs', '执业兽医资格证书', 'Licensed veterinarian certificates', 1], ['premises-proof', '诊疗场所证明', 'Proof of the clinic premises', 2], ['equipment-list', '诊疗设备清单', 'List of the clinic equipment', 1]]),
];

/** Shared materials. */
const applicationForm = (subject: Subject, action: (typeof ACTIONS)[ActionKey]): Material => ({
  id: 'application-form',
  name: `${subject.name}${action.name}申请表`,
  nameEn: `Application form (${subject.nameEn}, ${action.nameEn})`,
  core: true,
  pages: 2,
});
const APPLICANT_ID: Material = { id: 'applicant-id', name: '法定代表人或负责人身份证件', nameEn: 'ID of the legal representative or person in charge', core: true, pages: 1 };
const AGENT_QUESTION: Question = {
  id: 'agent',
  text: '是否委托代理人办理？',
  textEn: 'Is an agent applying on the applicant’s behalf?',
  options: [
    { value: 'yes', label: '是', labelEn: 'Yes' },
    { value: 'no', label: '否', labelEn: 'No' },
  ],
};
const POWER_OF_ATTORNEY: Material = { id: 'power-of-attorney', name: '授权委托书及代理人身份证件', nameEn: 'Power of attorney and ID of the agent', core: true, pages: 2, when: { question: 'agent', equals: 'yes' } };
const ACTION_MATERIAL: Partial<Record<ActionKey, Material>> = {
  change: { id: 'change-proof', name: '变更事项证明文件', nameEn: 'Documents proving the change', core: false, pages: 2 },
  renew: { id: 'compliance-statement', name: '持续符合条件的自查报告', nameEn: 'Self-inspection report on continued compliance', core: false, pages: 2 },
  cancel: { id: 'original-certificate', name: '原证照正副本', nameEn: 'The original certificate (original and copy)', core: false, pages: 2 },
  reissue: { id: 'loss-statement', name: '遗失或损毁情况说明', nameEn: 'Statement of loss or damage', core: true, pages: 1 },
};

const PROMISED_BY_ACTION: Record<ActionKey, (s: Subject) => number> = {
  new: (x) => x.promisedDays,
  change: (x) => Math.max(1, Math.ceil(x.promisedDays / 2)),
  renew: (x) => x.promisedDays,
  cancel: (x) => Math.max(1, Math.ceil(x.promisedDays / 3)),
  reissue: () => 3,
};

function generate(subject: Subject, key: ActionKey, index: number): MatterDoc {
  const action = ACTIONS[key];
  const id = `district-${subject.key}-${key}`;
  const promisedDays = Math.min(PROMISED_BY_ACTION[key](subject), Math.ceil(subject.legalDays / 2));
  // Every third matter asks whether an agent applies (a guided question adding a material); the rest ask nothing.
  const guided = index % 3 === 0;
  const specific: Material[] = subject.materials.map(([mid, name, nameEn, pages], i) => ({ id: mid, name, nameEn, core: i === 0 && key === 'new', pages }));
  const materials = [
    applicationForm(subject, action),
    APPLICANT_ID,
    // A change, cancellation or replacement needs fewer of the subject's own materials than a new application.
    ...(key === 'new' || key === 'renew' ? specific : specific.slice(0, 1)),
    ...(ACTION_MATERIAL[key] ? [ACTION_MATERIAL[key]] : []),
    ...(guided ? [POWER_OF_ATTORNEY] : []),
  ].slice(0, 8);
  return {
    _id: `matter:${id}`,
    type: 'matter',
    id,
    name: `${subject.name}（${action.name}）`,
    nameEn: `${subject.nameEn} (${action.nameEn})`,
    initials: subject.initials + action.initials,
    keywords: [...subject.keywords, action.keyword, subject.office],
    legalDays: subject.legalDays,
    promisedDays,
    commitmentText: '申请人承诺：所缺材料将于约定期限内补齐；逾期未补齐的，同意按规定撤销受理。本人对所提交材料的真实性负责。',
    commitmentTextEn:
      'Undertaking by the applicant: I will supply the missing materials within the agreed period; if I do not, I agree that acceptance of the application be revoked in accordance with the rules. I am responsible for the truthfulness of the materials submitted.',
    guide: {
      applicants: `向${subject.office}申请${subject.name}${action.name}的单位或个人`,
      applicantsEn: `Organisations or individuals applying to the ${subject.officeEn} for ${subject.nameEn.toLowerCase()} (${action.nameEn})`,
      conditions: ['申请材料齐全、符合法定形式'],
      conditionsEn: ['The application materials are complete and in the legal form'],
      legalBasis: [subject.law[0]],
      legalBasisEn: [subject.law[1]],
      fees: '不收费',
      feesEn: 'Free of charge',
      resultDelivery: ['电子证照', '窗口自取', '邮寄'],
      resultDeliveryEn: ['Electronic licence', 'Collection at the service window', 'Delivery by post'],
    },
    questions: guided ? [AGENT_QUESTION] : [],
    materials,
  };
}

/** The generated demo matters, in catalog order (subject by subject). */
export const DISTRICT_MATTERS: MatterDoc[] = SUBJECTS.flatMap((subject) => subject.actions.map((key) => ({ subject, key }))).map(({ subject, key }, i) => generate(subject, key, i));
