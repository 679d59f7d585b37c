/** Demo 事项 catalog for `npm start` (DEMO mode). Content is illustrative, modelled on Shanghai/Shenzhen guides. */
import type { MatterDoc } from '../../../src/domain/catalog';

const matter = (m: Omit<MatterDoc, '_id' | 'type'>): MatterDoc => ({ _id: `matter:${m.id}`, type: 'matter', ...m });

const COMMITMENT = '申请人承诺：所缺材料将于约定期限内补齐；逾期未补齐的，同意按规定撤销受理。本人对所提交材料的真实性负责。';

export const DEMO_MATTERS: MatterDoc[] = [
  matter({
    id: 'business-scope-change',
    name: '经营范围变更登记',
    nameEn: 'Change of business scope',
    keywords: ['经营范围', '变更', 'jyfwbg', 'scope'],
    legalDays: 15,
    promisedDays: 3,
    commitmentText: COMMITMENT,
    materials: [
      { id: 'change-application', name: '公司变更登记申请书', nameEn: 'Change registration application', core: true, pages: 2 },
      { id: 'shareholder-resolution', name: '股东会决议', nameEn: 'Shareholders’ resolution', core: true, pages: 1 },
      { id: 'articles-amendment', name: '章程修正案', nameEn: 'Amendment to the articles', core: true, pages: 2 },
      { id: 'licence-original', name: '营业执照正副本', nameEn: 'Business licence (original and copy)', core: false, pages: 2 },
    ],
  }),
  matter({
    id: 'legal-rep-change',
    name: '法定代表人变更登记',
    nameEn: 'Change of legal representative',
    keywords: ['法定代表人', '法人', '变更', 'fddbrbg'],
    legalDays: 15,
    promisedDays: 3,
    commitmentText: COMMITMENT,
    materials: [
      { id: 'change-application', name: '公司变更登记申请书', nameEn: 'Change registration application', core: true, pages: 2 },
      { id: 'appointment-document', name: '法定代表人任免文件', nameEn: 'Appointment and removal document', core: true, pages: 1 },
      { id: 'new-rep-id', name: '新任法定代表人身份证件', nameEn: 'ID of the new legal representative', core: true, pages: 2 },
      { id: 'licence-original', name: '营业执照正副本', nameEn: 'Business licence (original and copy)', core: false, pages: 2 },
    ],
  }),
  matter({
    id: 'licence-reissue',
    name: '营业执照补办',
    nameEn: 'Reissue of business licence',
    keywords: ['营业执照', '补办', '遗失', 'yyzzbb'],
    legalDays: 10,
    promisedDays: 1,
    commitmentText: COMMITMENT,
    materials: [
      { id: 'reissue-application', name: '补领营业执照申请书', nameEn: 'Reissue application', core: true, pages: 1 },
      { id: 'loss-statement', name: '遗失声明', nameEn: 'Loss statement', core: false, pages: 1 },
    ],
  }),
];
