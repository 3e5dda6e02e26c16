/**
 * Realistic marketplace text for demo data (`pnpm seed`) and benchmarks (`bench/src/search.ts`): gig listings and
 * seller pages in the words people search for, per sub-category of the catalogue. Everything comes from the
 * `Faker` passed in, so a seeded Faker gives the same data on every run.
 */
import type { Faker } from '@faker-js/faker';

export interface CategoryRef {
  id: string;
  subCategories: { id: string }[];
}

/** A gig as `createGig` takes it (CreateGigInput). */
export interface DemoGig {
  title: string;
  description: string;
  basicTitle: string;
  basicDescription: string;
  categoryId: string;
  subCategoryId: string | null;
  tags: string[];
  /** Minor units. */
  price: number;
  deliveryDays: number;
  coverImageUrl: string;
}

/** A seller page as `becomeSeller` takes it (BecomeSellerInput, the fields the seed fills). */
export interface DemoSeller {
  fullName: string;
  oneLiner: string;
  description: string;
  skills: string[];
  languages: { language: string; level: 'BASIC' | 'CONVERSATIONAL' | 'FLUENT' | 'NATIVE' }[];
  responseTimeHours: number;
}

interface Vocabulary {
  /** What follows "I will …" in a title. */
  services: string[];
  /** Lower-case search tags, 2–24 characters. */
  tags: string[];
  /** Who the seller is, e.g. "React developer". */
  roles: string[];
  /** What the buyer gets (description bullet points and package pitches). */
  deliverables: string[];
  /** Typical price range, major units. */
  price: [number, number];
}

const VOCABULARY: Record<string, Vocabulary> = {
  'web-development': {
    services: ['build a responsive WordPress website', 'develop a React web app', 'create a Shopify store', 'build a landing page with Next.js',
      'fix WordPress errors and bugs', 'develop a custom PHP website', 'build a Django web application', 'speed up your website',
      'convert Figma to HTML and CSS', 'build a full stack JavaScript app', 'develop a Vue.js frontend', 'migrate your website to a new host'],
    tags: ['wordpress', 'react', 'javascript', 'shopify', 'nextjs', 'php', 'django', 'html', 'css', 'vue', 'website', 'landing page', 'typescript', 'frontend'],
    roles: ['full stack developer', 'WordPress developer', 'React developer', 'web developer', 'frontend engineer'],
    deliverables: ['a responsive design for mobile and desktop', 'clean, documented source code', 'on-page SEO basics', 'contact form and analytics set-up',
      'fast page loads', 'cross-browser testing', 'deployment to your hosting'],
    price: [30, 1500],
  },
  'mobile-apps': {
    services: ['develop a Flutter mobile app', 'build an iOS app in Swift', 'create a React Native app', 'develop an Android app in Kotlin',
      'fix bugs in your mobile app', 'publish your app to the App Store', 'convert your website into a mobile app', 'design and build an MVP app'],
    tags: ['flutter', 'ios', 'android', 'react native', 'swift', 'kotlin', 'mobile app', 'app store', 'firebase', 'mvp'],
    roles: ['mobile developer', 'Flutter developer', 'iOS engineer', 'Android developer'],
    deliverables: ['an app for iOS and Android', 'push notifications', 'Firebase integration', 'store listing and release', 'source code and build files'],
    price: [50, 3000],
  },
  'apis-integrations': {
    services: ['build a REST API with Node.js', 'develop a GraphQL API', 'integrate Stripe payments', 'connect your apps with Zapier',
      'build a Python web scraper', 'automate your workflow with an API', 'integrate a CRM with your website', 'write a Telegram or Discord bot'],
    tags: ['api', 'rest api', 'graphql', 'nodejs', 'python', 'stripe', 'zapier', 'automation', 'scraping', 'webhooks', 'integration', 'bot'],
    roles: ['backend developer', 'integration engineer', 'Python developer', 'API developer'],
    deliverables: ['documented endpoints', 'automated tests', 'error handling and retries', 'a Postman collection', 'deployment instructions'],
    price: [40, 2000],
  },
  'devops-cloud': {
    services: ['set up AWS infrastructure with Terraform', 'dockerize your application', 'set up CI/CD with GitHub Actions', 'deploy your app to Kubernetes',
      'configure a Linux server', 'migrate your app to the cloud', 'set up monitoring with Grafana', 'fix your Docker and Nginx set-up'],
    tags: ['aws', 'docker', 'kubernetes', 'terraform', 'devops', 'ci cd', 'linux', 'nginx', 'github actions', 'cloud', 'azure', 'gcp'],
    roles: ['DevOps engineer', 'cloud architect', 'site reliability engineer', 'Linux administrator'],
    deliverables: ['infrastructure as code', 'a deployment pipeline', 'monitoring and alerts', 'backups and security hardening', 'a hand-over document'],
    price: [40, 2500],
  },
  'data-science': {
    services: ['analyze your data with Python', 'build a machine learning model', 'create a Power BI dashboard', 'clean and prepare your dataset',
      'build a chatbot with OpenAI', 'do statistical analysis in R', 'create Tableau visualizations', 'train a computer vision model'],
    tags: ['python', 'machine learning', 'data analysis', 'power bi', 'tableau', 'pandas', 'statistics', 'ai', 'chatbot', 'sql', 'deep learning'],
    roles: ['data scientist', 'machine learning engineer', 'data analyst', 'BI consultant'],
    deliverables: ['a Jupyter notebook', 'clear charts and findings', 'a trained model and its metrics', 'an interactive dashboard', 'reproducible code'],
    price: [30, 2000],
  },
  'logo-design': {
    services: ['design a modern minimalist logo', 'create a unique business logo', 'design a vintage logo', 'redesign your existing logo',
      'design a mascot logo', 'create a professional logo with brand kit', 'design a signature logo', 'design a 3D logo'],
    tags: ['logo', 'logo design', 'minimalist', 'branding', 'vector', 'business logo', 'modern logo', 'mascot', 'vintage'],
    roles: ['logo designer', 'graphic designer', 'brand designer'],
    deliverables: ['high-resolution PNG and JPG files', 'vector source files (AI, SVG, PDF)', 'unlimited revisions', 'a transparent background version',
      'social media kit'],
    price: [5, 400],
  },
  'ui-ux-design': {
    services: ['design a mobile app UI in Figma', 'create a website UI/UX design', 'design a SaaS dashboard', 'redesign your landing page',
      'create wireframes and prototypes', 'do a UX audit of your product', 'design a design system in Figma'],
    tags: ['ui', 'ux', 'figma', 'web design', 'app design', 'prototype', 'wireframe', 'dashboard', 'user experience'],
    roles: ['UI/UX designer', 'product designer', 'Figma designer'],
    deliverables: ['Figma source files', 'a clickable prototype', 'responsive layouts', 'a style guide', 'developer hand-off'],
    price: [20, 1500],
  },
  illustration: {
    services: ['draw a custom digital illustration', 'illustrate your children\'s book', 'draw an anime character portrait', 'create a cartoon portrait',
      'design a t-shirt illustration', 'draw pixel art for your game', 'create line art illustrations'],
    tags: ['illustration', 'digital art', 'children book', 'anime', 'cartoon', 'portrait', 'pixel art', 'character design', 'drawing'],
    roles: ['illustrator', 'digital artist', 'concept artist'],
    deliverables: ['a high-resolution image', 'commercial use rights', 'the layered source file', 'sketch approval before colouring'],
    price: [10, 800],
  },
  'brand-identity': {
    services: ['create a complete brand identity', 'design a brand style guide', 'design business cards and stationery', 'design product packaging',
      'create a brand strategy for your startup', 'design a social media brand kit'],
    tags: ['brand identity', 'branding', 'style guide', 'business card', 'packaging', 'brand strategy', 'stationery'],
    roles: ['brand designer', 'creative director', 'brand strategist'],
    deliverables: ['a logo suite', 'a colour palette and typography', 'a brand guidelines PDF', 'print-ready files', 'social media templates'],
    price: [50, 2500],
  },
  'articles-blog-posts': {
    services: ['write SEO blog posts and articles', 'write engaging articles for your website', 'write a tech blog post', 'write health and wellness articles',
      'write travel blog content', 'ghostwrite your LinkedIn articles'],
    tags: ['blog writing', 'article writing', 'seo writing', 'content writing', 'blog post', 'ghostwriting', 'linkedin'],
    roles: ['content writer', 'blogger', 'freelance journalist'],
    deliverables: ['original, plagiarism-free text', 'keyword research', 'meta title and description', 'one round of edits', 'royalty-free images'],
    price: [10, 400],
  },
  copywriting: {
    services: ['write persuasive sales copy', 'write website copy that converts', 'write product descriptions', 'write Facebook ad copy',
      'write a sales email sequence', 'write a landing page copy'],
    tags: ['copywriting', 'sales copy', 'website copy', 'product description', 'ad copy', 'landing page', 'conversion'],
    roles: ['copywriter', 'conversion copywriter', 'marketing writer'],
    deliverables: ['copy written for your audience', 'two headline options', 'a call to action that converts', 'revisions until it fits'],
    price: [15, 800],
  },
  translation: {
    services: ['translate English to Spanish', 'translate English to German', 'translate French to English', 'translate your website into Portuguese',
      'proofread and edit your English text', 'translate documents from Japanese', 'localize your app into Italian'],
    tags: ['translation', 'spanish', 'german', 'french', 'portuguese', 'proofreading', 'localization', 'japanese', 'italian'],
    roles: ['translator', 'native speaker translator', 'localization specialist'],
    deliverables: ['a human translation (no machine output)', 'proofreading by a native speaker', 'the original formatting kept', 'a glossary of terms'],
    price: [5, 600],
  },
  'technical-writing': {
    services: ['write technical documentation', 'write API documentation', 'write a user manual', 'write a white paper', 'write a README for your project',
      'write a software requirements specification'],
    tags: ['technical writing', 'documentation', 'api docs', 'user manual', 'white paper', 'readme', 'markdown'],
    roles: ['technical writer', 'documentation engineer'],
    deliverables: ['clear, structured documentation', 'diagrams where they help', 'Markdown or PDF output', 'a review with your engineers'],
    price: [30, 1200],
  },
  seo: {
    services: ['do on-page SEO for your website', 'do keyword research and competitor analysis', 'build high quality backlinks', 'fix technical SEO issues',
      'do a complete SEO audit', 'do local SEO and Google Business profile'],
    tags: ['seo', 'on page seo', 'keyword research', 'backlinks', 'technical seo', 'seo audit', 'google ranking', 'local seo'],
    roles: ['SEO specialist', 'SEO consultant', 'growth marketer'],
    deliverables: ['a detailed report', 'a prioritised action plan', 'before and after rankings', 'Google Search Console set-up'],
    price: [15, 1000],
  },
  'social-media': {
    services: ['manage your Instagram account', 'run Facebook and Instagram ads', 'create a TikTok content strategy', 'design social media posts',
      'grow your LinkedIn presence', 'manage your social media marketing'],
    tags: ['social media', 'instagram', 'facebook ads', 'tiktok', 'linkedin', 'content calendar', 'social media marketing'],
    roles: ['social media manager', 'ads specialist', 'content creator'],
    deliverables: ['a content calendar', 'post designs and captions', 'hashtag research', 'a monthly performance report'],
    price: [20, 1200],
  },
  'email-marketing': {
    services: ['set up Mailchimp email campaigns', 'write an email newsletter', 'design a responsive email template', 'set up Klaviyo flows for Shopify',
      'clean and segment your email list'],
    tags: ['email marketing', 'mailchimp', 'klaviyo', 'newsletter', 'email template', 'automation', 'email campaign'],
    roles: ['email marketer', 'lifecycle marketer', 'Klaviyo expert'],
    deliverables: ['automated flows', 'A/B tested subject lines', 'responsive templates', 'list segmentation'],
    price: [20, 900],
  },
  'video-editing': {
    services: ['edit your YouTube videos', 'edit short videos for TikTok and Reels', 'edit your wedding video', 'color grade your footage',
      'edit a professional corporate video', 'edit your podcast video'],
    tags: ['video editing', 'youtube', 'reels', 'tiktok', 'color grading', 'premiere pro', 'final cut', 'after effects'],
    roles: ['video editor', 'filmmaker', 'YouTube editor'],
    deliverables: ['a 1080p or 4K export', 'music and sound design', 'subtitles', 'two rounds of revisions'],
    price: [10, 800],
  },
  'animated-explainers': {
    services: ['create a 2D animated explainer video', 'make a whiteboard animation', 'create a motion graphics intro', 'animate your logo',
      'create a 3D product animation'],
    tags: ['explainer video', 'animation', 'motion graphics', 'whiteboard', 'logo animation', '2d animation', '3d animation'],
    roles: ['animator', 'motion designer', 'explainer video studio'],
    deliverables: ['a script and storyboard', 'professional voice over', 'background music', 'full HD video'],
    price: [30, 2000],
  },
  'voice-over': {
    services: ['record a professional English voice over', 'record a British male voice over', 'record a warm female voice over', 'voice your audiobook',
      'record voice over for your commercial'],
    tags: ['voice over', 'voiceover', 'audiobook', 'narration', 'british accent', 'american accent', 'commercial'],
    roles: ['voice actor', 'narrator', 'voice over artist'],
    deliverables: ['studio-quality WAV and MP3 files', 'one free retake', 'fast turnaround', 'commercial rights'],
    price: [5, 500],
  },
  'mixing-mastering': {
    services: ['mix and master your song', 'master your track for streaming', 'mix your podcast audio', 'produce a beat for your song',
      'clean up and restore your audio'],
    tags: ['mixing', 'mastering', 'music production', 'audio editing', 'podcast', 'beat', 'hip hop', 'pop'],
    roles: ['mixing engineer', 'music producer', 'audio engineer'],
    deliverables: ['a radio-ready master', 'stems on request', 'loudness for Spotify and Apple Music', 'revisions until you are happy'],
    price: [10, 600],
  },
};

const GENERIC: Vocabulary = {
  services: ['help you with your project', 'deliver a professional result', 'do a custom job for your business'],
  tags: ['professional', 'custom', 'fast delivery', 'quality'],
  roles: ['freelancer', 'consultant'],
  deliverables: ['a professional result', 'fast communication', 'revisions until you are happy'],
  price: [10, 500],
};

const AUDIENCES = ['your business', 'your startup', 'your small business', 'your brand', 'your company', 'your online store', 'your agency',
  'your restaurant', 'your real estate business', 'your fitness brand', 'your SaaS', 'your nonprofit', 'your podcast', 'your law firm',
  'your dental clinic', 'your coffee shop', 'your travel agency', 'your fashion brand', 'your e-commerce store', 'your yoga studio'];
const EXTRAS = ['in 24 hours', 'fast', 'with unlimited revisions', 'professionally', 'at an affordable price', 'with a money-back guarantee'];
const PACKAGES = ['Basic', 'Starter', 'Standard', 'Essential', 'Simple', 'Bronze'];
const LANGUAGES = ['Spanish', 'French', 'German', 'Portuguese', 'Hindi', 'Urdu', 'Arabic', 'Italian', 'Polish', 'Ukrainian', 'Bengali', 'Turkish'];
const DELIVERY_DAYS = [1, 2, 3, 3, 5, 5, 7, 7, 10, 14, 21, 30];

/** Vocabulary of a sub-category (a generic one for ids this module does not know). */
function vocabularyOf(subCategoryId: string | null): Vocabulary {
  return (subCategoryId && VOCABULARY[subCategoryId]) || GENERIC;
}

const capitalise = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/** A title of 15–80 characters: "I will <service> for <audience>" and variants. */
function title(faker: Faker, v: Vocabulary): string {
  const service = faker.helpers.arrayElement(v.services);
  const candidates = [
    `I will ${service}`,
    `I will ${service} for ${faker.helpers.arrayElement(AUDIENCES)}`,
    `I will ${service} ${faker.helpers.arrayElement(EXTRAS)}`,
  ].filter((t) => t.length >= 15 && t.length <= 80);
  return faker.helpers.arrayElement(candidates.length > 0 ? candidates : [`I will ${service}`.slice(0, 80)]);
}

/** A price in minor units, log-uniform over the vocabulary's range, rounded to whole units (500–5,000,000). */
function price(faker: Faker, [min, max]: [number, number]): number {
  const major = Math.exp(faker.number.float({ min: Math.log(Math.max(5, min)), max: Math.log(max) }));
  const rounded = major < 50 ? Math.round(major) : Math.round(major / 5) * 5;
  return Math.min(5_000_000, Math.max(500, rounded * 100));
}

/**
 * One gig in `category` (a sub-category chosen at random). `titleTaken` lets the caller ask for another title when
 * one is already used (a seller's titles are unique in the seed).
 */
export function fakeGig(faker: Faker, category: CategoryRef, titleTaken: (title: string) => boolean = () => false): DemoGig {
  const sub = category.subCategories.length > 0 ? faker.helpers.arrayElement(category.subCategories).id : null;
  const v = vocabularyOf(sub);
  let t = title(faker, v);
  for (let attempt = 0; titleTaken(t) && attempt < 20; attempt++) t = title(faker, v);
  for (let n = 2; titleTaken(t); n++) t = `${t.slice(0, 70)} (v${n})`;
  const role = faker.helpers.arrayElement(v.roles);
  const years = faker.number.int({ min: 2, max: 15 });
  const deliverables = faker.helpers.arrayElements(v.deliverables, { min: 2, max: Math.min(4, v.deliverables.length) });
  const description = [
    `Hi! I am a ${role} with ${years} years of experience, and I will ${faker.helpers.arrayElement(v.services)} for you.`,
    `${capitalise(faker.company.buzzPhrase())}: ${faker.company.catchPhrase().toLowerCase()}.`,
    `What you get:\n${deliverables.map((d) => `- ${d}`).join('\n')}`,
    faker.helpers.arrayElement([
      'Message me before ordering so we can discuss your project.',
      'Please contact me first with your requirements.',
      'Your satisfaction is my priority: I work until you love the result.',
      'Fast replies, clear communication and on-time delivery.',
    ]),
  ].join('\n\n');
  const packageName = faker.helpers.arrayElement(PACKAGES);
  const deliverable = deliverables[0] ?? 'a professional result';
  return {
    title: t,
    description: description.slice(0, 5000),
    basicTitle: `${packageName} ${faker.helpers.arrayElement(v.tags)}`.slice(0, 60).padEnd(5, '.'),
    basicDescription: capitalise(`${deliverable}, ${faker.helpers.arrayElement(['one revision', 'two revisions', 'three revisions', 'source files included'])}.`).slice(0, 300),
    categoryId: category.id,
    subCategoryId: sub,
    tags: faker.helpers.arrayElements(v.tags, { min: 2, max: Math.min(5, v.tags.length) }),
    price: price(faker, v.price),
    deliveryDays: faker.helpers.arrayElement(DELIVERY_DAYS),
    coverImageUrl: `https://picsum.photos/seed/${faker.string.alphanumeric(12)}/800/600`,
  };
}

/** A seller page for someone working mostly in `category`. */
export function fakeSeller(faker: Faker, category: CategoryRef): DemoSeller {
  const v = vocabularyOf(category.subCategories.length > 0 ? faker.helpers.arrayElement(category.subCategories).id : null);
  const role = faker.helpers.arrayElement(v.roles);
  const skills = faker.helpers.arrayElements(v.tags, { min: 3, max: Math.min(8, v.tags.length) });
  const years = faker.number.int({ min: 2, max: 20 });
  const languages: DemoSeller['languages'] = [{ language: 'English', level: faker.helpers.arrayElement(['FLUENT', 'NATIVE'] as const) }];
  if (faker.datatype.boolean()) {
    languages.push({ language: faker.helpers.arrayElement(LANGUAGES), level: faker.helpers.arrayElement(['NATIVE', 'FLUENT', 'CONVERSATIONAL'] as const) });
  }
  return {
    fullName: faker.person.fullName(),
    oneLiner: `${capitalise(role)}: ${skills.slice(0, 3).join(', ')}`.slice(0, 120),
    description: `${capitalise(role)} from ${faker.location.country()} with ${years} years of experience. ${capitalise(faker.company.buzzPhrase())} for clients from startups to large companies. ${faker.helpers.arrayElement(['I answer fast and deliver on time.', 'Quality first, always.', 'Let\'s build something great together.'])}`.slice(0, 2000),
    skills,
    languages,
    responseTimeHours: faker.helpers.arrayElement([1, 2, 4, 8, 12, 24]),
  };
}

/** Search words a buyer might type, taken from the vocabulary (for benchmarks). */
export const DEMO_SEARCH_WORDS: readonly string[] = [...new Set(Object.values(VOCABULARY).flatMap((v) => v.tags))];
