/**
 * A first-run device name people can tell apart and say aloud ("Amber Badger"), instead of
 * "Chromium · Linux" on every machine: adjective + animal, in the user's language. 32 × 32
 * pairs make a clash between two of someone's devices unlikely, and the name can be changed.
 */

const EN_ADJECTIVES = [
  'Amber',
  'Brave',
  'Calm',
  'Clever',
  'Cosy',
  'Crimson',
  'Dapper',
  'Eager',
  'Fuzzy',
  'Gentle',
  'Golden',
  'Happy',
  'Jolly',
  'Kind',
  'Lively',
  'Lucky',
  'Mellow',
  'Merry',
  'Nimble',
  'Noble',
  'Plucky',
  'Proud',
  'Quick',
  'Quiet',
  'Rosy',
  'Silver',
  'Sunny',
  'Swift',
  'Tidy',
  'Witty',
  'Zany',
  'Zesty',
];
const EN_ANIMALS = [
  'Badger',
  'Beaver',
  'Bison',
  'Falcon',
  'Ferret',
  'Gecko',
  'Heron',
  'Ibis',
  'Koala',
  'Lemur',
  'Lynx',
  'Marmot',
  'Marten',
  'Moose',
  'Newt',
  'Ocelot',
  'Otter',
  'Owl',
  'Panda',
  'Puffin',
  'Quokka',
  'Rabbit',
  'Raven',
  'Robin',
  'Salmon',
  'Seal',
  'Sparrow',
  'Swan',
  'Tapir',
  'Tiger',
  'Walrus',
  'Wombat',
];
const ZH_ADJECTIVES = [
  '琥珀',
  '勇敢',
  '安静',
  '聪明',
  '温暖',
  '赤红',
  '潇洒',
  '热心',
  '毛茸',
  '温柔',
  '金色',
  '快乐',
  '欢喜',
  '善良',
  '活泼',
  '幸运',
  '悠闲',
  '开心',
  '灵巧',
  '高贵',
  '机灵',
  '骄傲',
  '敏捷',
  '文静',
  '粉红',
  '银色',
  '阳光',
  '飞快',
  '整洁',
  '风趣',
  '调皮',
  '清新',
];
const ZH_ANIMALS = [
  '獾',
  '河狸',
  '野牛',
  '猎鹰',
  '雪貂',
  '壁虎',
  '苍鹭',
  '朱鹮',
  '考拉',
  '狐猴',
  '猞猁',
  '土拨鼠',
  '貂',
  '驼鹿',
  '蝾螈',
  '豹猫',
  '水獭',
  '猫头鹰',
  '熊猫',
  '海鹦',
  '短尾矮袋鼠',
  '兔子',
  '渡鸦',
  '知更鸟',
  '鲑鱼',
  '海豹',
  '麻雀',
  '天鹅',
  '貘',
  '老虎',
  '海象',
  '袋熊',
];

/** A uniformly random 32-bit number (crypto, so two fresh profiles do not share a seed). */
function randomUint32(): number {
  return crypto.getRandomValues(new Uint32Array(1))[0] ?? 0;
}

function pick(words: readonly string[], random: () => number): string {
  return words[random() % words.length] ?? words[0] ?? '';
}

/** A suggested name for this device in `language` (a BCP 47 tag or a chrome.i18n locale). */
export function suggestDeviceName(language: string, random: () => number = randomUint32): string {
  const chinese = language.toLowerCase().replace('_', '-').startsWith('zh');
  const adjective = pick(chinese ? ZH_ADJECTIVES : EN_ADJECTIVES, random);
  const animal = pick(chinese ? ZH_ANIMALS : EN_ANIMALS, random);
  return chinese ? `${adjective}${animal}` : `${adjective} ${animal}`;
}
